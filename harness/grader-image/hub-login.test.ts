import { describe, expect, it } from "vitest";
import { hubLoginSource, parseHelperAnswer } from "./hub-login.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("the machine's Docker Hub login", () => {
  it("is read inline from auths", () => {
    const config = JSON.stringify({
      auths: { "https://index.docker.io/v1/": { auth: b64("ada:dckr_pat_x:y") } },
    });
    expect(hubLoginSource(config)).toEqual({ inline: { username: "ada", password: "dckr_pat_x:y" } });
  });
  it("names Docker Desktop's credential store, or a per-host helper before it", () => {
    expect(
      hubLoginSource(JSON.stringify({ credsStore: "desktop", auths: { "https://index.docker.io/v1/": {} } })),
    ).toEqual({
      helper: "desktop",
    });
    expect(
      hubLoginSource(
        JSON.stringify({ credsStore: "desktop", credHelpers: { "index.docker.io": "osxkeychain" } }),
      ),
    ).toEqual({ helper: "osxkeychain" });
  });
  it("is nothing for other registries, odd helper names, or a file that is not JSON", () => {
    expect(hubLoginSource(JSON.stringify({ auths: { "ghcr.io": { auth: b64("a:b") } } }))).toBeUndefined();
    expect(hubLoginSource(JSON.stringify({ credsStore: "../../bin/sh" }))).toBeUndefined();
    expect(hubLoginSource("{")).toBeUndefined();
  });
  it("reads a helper's answer", () => {
    expect(parseHelperAnswer('{"ServerURL":"x","Username":"ada","Secret":"s"}')).toEqual({
      username: "ada",
      password: "s",
    });
    expect(parseHelperAnswer("credentials not found in native keychain")).toBeUndefined();
  });
});
