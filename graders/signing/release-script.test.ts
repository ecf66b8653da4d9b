import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scriptLine } from "./release-script.ts";

describe("release.sh locations", () => {
  it("point at the first sign, attest and verify call", () => {
    const script = readFileSync(
      new URL("../../exercises/06-sign-verify/solution/release.sh", import.meta.url),
      "utf8",
    );
    const lines = script.split("\n");
    expect(lines[scriptLine(script, "sign") - 1]).toMatch(/^cosign sign /);
    expect(lines[scriptLine(script, "attest") - 1]).toMatch(/^cosign attest /);
    expect(lines[scriptLine(script, "verify") - 1]).toMatch(/^cosign verify /);
    expect(scriptLine("#!/bin/sh\necho nothing\n", "sign")).toBe(1);
  });
});
