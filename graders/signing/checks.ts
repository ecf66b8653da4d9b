import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  idToken: {
    id: "workflow.id-token",
    title: "The signing job may ask GitHub for an OIDC token (id-token: write)",
    points: 2,
    kind: "static",
  },
  signDigest: {
    id: "workflow.sign-by-digest",
    title: "The workflow signs the index by the digest the build step reported",
    points: 3,
    kind: "static",
  },
  verifyPinned: {
    id: "workflow.verify-pinned",
    title: "Verification pins the identity to this repository's release workflow and the issuer to GitHub",
    points: 3,
    kind: "static",
  },
  verifyFirst: {
    id: "workflow.verify-before-deploy",
    title: "The deploy runs only after the same digest has been verified",
    points: 2,
    kind: "static",
  },
  runs: {
    id: "release.runs",
    title: "release.sh finishes without error with the run's key",
    points: 1,
    kind: "behaviour",
  },
  signIndex: {
    id: "sign.index",
    title: "The pushed index digest carries a signature that verifies with the run's key",
    points: 4,
    kind: "behaviour",
  },
  attestation: {
    id: "attest.predicate",
    title: "The index carries a verifiable SPDX SBOM attestation",
    points: 3,
    kind: "behaviour",
  },
  tagMove: {
    id: "sign.tag-move",
    title: "Once the tag moves, the signed digest still verifies and the tag does not",
    points: 2,
    kind: "behaviour",
  },
  verifies: {
    id: "release.verifies",
    title: "release.sh fails when its signature does not verify with cosign.pub",
    points: 2,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
