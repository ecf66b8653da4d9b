import { expect } from "vitest";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST } from "./checks.ts";

// On the real engine: the index pushed, release.sh run in the release runner, cosign's verdicts.
await describeGraderFixtures("06-sign-verify", {
  checks: CHECK_LIST,
  minWrong: 5,
  reference: (report) => {
    expect(report.measurements["signed.digest"]).toBe(report.measurements["index.digest"]);
    expect(report.measurements["signed.mediaType"]).toBe("application/vnd.oci.image.index.v1+json");
    expect(report.measurements["attested.predicateTypes"]).toBe("https://spdx.dev/Document");
  },
  fixture: (fixture, report) => {
    const message = (id: string) => report.checks.find((c) => c.id === id)?.message ?? "";
    if (fixture.name === "sign-by-tag") expect(message("sign.index")).toMatch(/the index the tag pointed at/);
    if (fixture.name === "platform-manifest")
      expect(message("sign.index")).toMatch(/the linux\/amd64 image inside the index/);
    if (fixture.name === "attestation-untyped")
      expect(message("attest.predicate")).toContain("https://cosign.sigstore.dev/attestation/v1");
  },
});
