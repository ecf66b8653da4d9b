import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  parses: {
    id: "dockerfile.parses",
    title: "The Dockerfile is a valid Dockerfile",
    points: 1,
    kind: "static",
  },
  noSecretArgs: {
    id: "static.no-secret-args",
    title: "No secret passes through ARG, ENV or the bake file's args",
    points: 2,
    kind: "static",
  },
  secretMount: {
    id: "dockerfile.secret-mount",
    title: "The install reads the credential from a secret mount",
    points: 1,
    kind: "static",
  },
  build: {
    id: "build.succeeds",
    title: "The image builds with the credentials CI provides",
    points: 2,
    kind: "behaviour",
  },
  consumed: {
    id: "secret.consumed",
    title: "The build really used the token (the private package was installed with it)",
    points: 3,
    kind: "behaviour",
  },
  history: {
    id: "leak.history",
    title: "The token is not in the image history",
    points: 2,
    kind: "behaviour",
  },
  config: {
    id: "leak.config",
    title: "The token is not in the image config (Env, Labels, Cmd...)",
    points: 2,
    kind: "behaviour",
  },
  layers: {
    id: "leak.layers",
    title: "No layer contains the token, not even in a file deleted later",
    points: 3,
    kind: "behaviour",
  },
  attestation: {
    id: "leak.attestation",
    title: "The provenance attestation does not record the token",
    points: 2,
    kind: "behaviour",
  },
  cache: {
    id: "leak.cache",
    title: "The exported registry cache (mode=max) does not contain the token",
    points: 2,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
