import { describe, expect, it } from "vitest";
import { Canary } from "./canary.ts";
import { ContentMatcher } from "./content-matcher.ts";

describe("canary", () => {
  const canary = new Canary("tok_3f9a8b7c6d5e4f3a2b1c");

  it("is found plain, and in base64 at every alignment inside longer text", () => {
    for (const prefix of ["", "a", "ab", "abc", "user:"]) {
      for (const suffix of ["", "x", "xy", "\n"]) {
        const text = Buffer.from(`${prefix}${canary.value}${suffix}`).toString("base64");
        expect(
          ContentMatcher.find(canary, `{"auth":"${text}"}`).length,
          `${prefix}|${suffix}`,
        ).toBeGreaterThan(0);
        expect(
          ContentMatcher.find(canary, Buffer.from(`${prefix}${canary.value}${suffix}`).toString("base64url"))
            .length,
        ).toBeGreaterThan(0);
      }
    }
    expect(ContentMatcher.find(canary, `token=${canary.value};`)).toContain("plain");
  });

  it("is found hex and URL encoded", () => {
    expect(ContentMatcher.find(canary, Buffer.from(canary.value).toString("hex"))).toContain("hex");
    const withSlash = new Canary("abc/def+ghi=jklmno");
    expect(ContentMatcher.find(withSlash, `x?t=${encodeURIComponent(withSlash.value)}`)).toContain("url");
  });

  it("is found in JSON and shell escapes, wrapped base64 and spaced hex", () => {
    const b64 = Buffer.from(`auth=${canary.value}`).toString("base64");
    expect(ContentMatcher.find(canary, b64.replace(/.{10}/g, "$&\r\n"))[0]).toMatch(/\(wrapped\)$/);
    // base64 inside a JSON string with its line breaks and slashes escaped
    expect(
      ContentMatcher.find(canary, JSON.stringify(b64.replace(/.{8}/g, "$&\n")).replace(/\//g, "\\/"))[0],
    ).toMatch(/\(wrapped\)$/);
    const hex = Buffer.from(canary.value).toString("hex").toUpperCase();
    expect(ContentMatcher.find(canary, hex.replace(/../g, "0x$&, "))).toEqual([
      "hex (spaced, wrapped or dumped)",
    ]);
    expect(ContentMatcher.find(canary, hex.replace(/../g, "\\x$&"))).toContain("plain (escaped)");
  });

  it("does not match unrelated text or a near miss", () => {
    expect(ContentMatcher.find(canary, "nothing to see here")).toEqual([]);
    expect(ContentMatcher.find(canary, canary.value.slice(0, -1))).toEqual([]);
  });

  it("random canaries differ and are long enough", () => {
    const a = Canary.random();
    expect(a.value).not.toBe(Canary.random().value);
    expect(a.value.length).toBeGreaterThan(20);
    expect(() => new Canary("short")).toThrow();
  });
});
