import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseAttestationOutput, parseVerifyOutput } from "./cosign-output.ts";

// Captured from cosign 2.5 (Debian) against a local registry: a signed index with an annotation,
// and an SPDX attestation of it.
const DIGEST = "sha256:c858f11a33569b994e7d898d2a8ef40d61218507dc3e2f2d827f8802682a7d1a";
const testdata = (name: string) => readFile(new URL(`testdata/${name}`, import.meta.url), "utf8");

describe("cosign's verify output", () => {
  it("gives the digest each verified signature covers, and the signer's annotations", async () => {
    expect(parseVerifyOutput(await testdata("verify.json"))).toEqual([
      {
        digest: DIGEST,
        reference: "127.0.0.1:46677/demo",
        type: "cosign container image signature",
        annotations: { commit: "abc" },
      },
    ]);
  });
  it("refuses output that is not a list of payloads naming a digest", () => {
    expect(() => parseVerifyOutput("Error: nope")).toThrow(/not JSON/);
    expect(() => parseVerifyOutput("{}")).toThrow(/not a list/);
    expect(() => parseVerifyOutput('[{"critical":{"image":{}}}]')).toThrow(/no manifest digest/);
    expect(parseVerifyOutput("")).toEqual([]);
  });
});

describe("cosign's verify-attestation output", () => {
  it("decodes each envelope's statement: predicate type and subject digests", async () => {
    const [attestation, ...rest] = parseAttestationOutput(await testdata("verify-attestation.jsonl"));
    expect(rest).toEqual([]);
    expect(attestation?.predicateType).toBe("https://spdx.dev/Document");
    expect(attestation?.subjects).toEqual([{ name: "127.0.0.1:46677/demo", digest: DIGEST }]);
    expect(attestation?.predicate).toMatchObject({ spdxVersion: "SPDX-2.3" });
  });
  it("refuses an envelope whose payload is not a statement", () => {
    expect(() => parseAttestationOutput('{"payload":"bm90IGpzb24="}')).toThrow(/not a statement/);
  });
});
