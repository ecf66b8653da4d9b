import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  parses: {
    id: "dockerfile.parses",
    title: "The Dockerfile is a valid Dockerfile",
    points: 1,
    kind: "static",
  },
  sshMount: {
    id: "dockerfile.ssh-mount",
    title: "The private module is fetched through the forwarded SSH agent, with no key copied in",
    points: 2,
    kind: "static",
  },
  hostKey: {
    id: "dockerfile.host-key",
    title: "Host-key checking stays on: no ssh-keyscan, no StrictHostKeyChecking=no or accept-new",
    points: 2,
    kind: "static",
  },
  heredocs: {
    id: "dockerfile.heredocs",
    title: "The settings file and the start script are written inline with heredocs",
    points: 1,
    kind: "static",
  },
  bindTests: {
    id: "dockerfile.bind-tests",
    title: "go vet and go test run on a bind mount of the sources, not on copied files",
    points: 1,
    kind: "static",
  },
  goCaches: {
    id: "dockerfile.go-caches",
    title: "Go's module and build caches are cache mounts on every Go step",
    points: 1,
    kind: "static",
  },
  build: {
    id: "build.succeeds",
    title: "The image builds with the run's SSH agent forwarded",
    points: 2,
    kind: "behaviour",
  },
  fetched: {
    id: "ssh.fetched",
    title: "The Git server logged the run's key fetching the module during the build",
    points: 2,
    kind: "behaviour",
  },
  agentRequired: {
    id: "ssh.agent-required",
    title: "Without the SSH agent the same build fails: the module can only come over SSH",
    points: 2,
    kind: "behaviour",
  },
  hostKeyEnforced: {
    id: "ssh.host-key-enforced",
    title: "With another host key pinned in known_hosts the build fails: the pinned key is in effect",
    points: 2,
    kind: "behaviour",
  },
  history: {
    id: "leak.history",
    title: "The private key is not in the image history",
    points: 2,
    kind: "behaviour",
  },
  config: {
    id: "leak.config",
    title: "The private key is not in the image config",
    points: 2,
    kind: "behaviour",
  },
  layers: {
    id: "leak.layers",
    title: "No layer holds the private key, not even in a file deleted later",
    points: 3,
    kind: "behaviour",
  },
  attestation: {
    id: "leak.attestation",
    title: "The provenance attestation does not record the private key",
    points: 2,
    kind: "behaviour",
  },
  cache: {
    id: "leak.cache",
    title: "The exported registry cache (mode=max) holds no copy of the private key",
    points: 2,
    kind: "behaviour",
  },
  settings: {
    id: "heredoc.settings",
    title: "The settings file has exactly the text asked for, with its $ signs, and mode 644",
    points: 1,
    kind: "behaviour",
  },
  script: {
    id: "heredoc.script",
    title: "The start script is executable and keeps $PORT and $SERVICE_NAME for run time",
    points: 1,
    kind: "behaviour",
  },
  service: {
    id: "service.runs",
    title: "Started with PORT and SERVICE_NAME set, the service answers with that name on that port",
    points: 2,
    kind: "behaviour",
  },
  testsAbsent: {
    id: "tests.not-in-layers",
    title: "No test file of the project is in any layer of the image or its cache",
    points: 2,
    kind: "behaviour",
  },
  testsRun: {
    id: "tests.run-in-build",
    title: "The tests really run in the build: a failing test makes it fail",
    points: 2,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
