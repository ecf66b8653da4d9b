import { describe, expect, it } from "vitest";
import { Canary } from "./canary.ts";

describe("canary", () => {
  const canary = new Canary("tok_3f9a8b7c6d5e4f3a2b1c");

  it("is found plain, and in base64 at every alignment inside longer text", () => {
    for (const prefix of ["", "a", "ab", "abc", "user:"]) {
      for (const suffix of ["", "x", "xy", "\n"]) {
        const text = Buffer.from(`${prefix}${canary.value}${suffix}`).toString("base64");
        expect(canary.findIn(`{"auth":"${text}"}`).length, `${prefix}|${suffix}`).toBeGreaterThan(0);
        expect(
          canary.findIn(Buffer.from(`${prefix}${canary.value}${suffix}`).toString("base64url")).length,
        ).toBeGreaterThan(0);
      }
    }
    expect(canary.findIn(`token=${canary.value};`)).toContain("plain");
  });

  it("is found hex and URL encoded", () => {
    expect(canary.findIn(Buffer.from(canary.value).toString("hex"))).toContain("hex");
    const withSlash = new Canary("abc/def+ghi=jklmno");
    expect(withSlash.findIn(`x?t=${encodeURIComponent(withSlash.value)}`)).toContain("url");
  });

  it("does not match unrelated text or a near miss", () => {
    expect(canary.findIn("nothing to see here")).toEqual([]);
    expect(canary.findIn(canary.value.slice(0, -1))).toEqual([]);
  });

  it("random canaries differ and are long enough", () => {
    const a = Canary.random();
    expect(a.value).not.toBe(Canary.random().value);
    expect(a.value.length).toBeGreaterThan(20);
    expect(() => new Canary("short")).toThrow();
  });
});
