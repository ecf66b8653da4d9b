import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  parses: {
    id: "dockerfile.parses",
    title: "The Dockerfile is a valid Dockerfile",
    points: 1,
    kind: "static",
  },
  workflowQemu: {
    id: "workflow.setup-qemu",
    title: "The workflow can run arm64 steps (QEMU, or a native runner per platform)",
    points: 1,
    kind: "static",
  },
  workflowBuildx: {
    id: "workflow.setup-buildx",
    title: "The workflow sets up Buildx",
    points: 1,
    kind: "static",
  },
  workflowPlatforms: {
    id: "workflow.platforms",
    title: "The workflow builds for linux/amd64 and linux/arm64",
    points: 2,
    kind: "static",
  },
  workflowPush: {
    id: "workflow.push",
    title: "The workflow pushes the result (one tag for both platforms)",
    points: 1,
    kind: "static",
  },
  build: {
    id: "build.multi-platform",
    title: "The build for every required platform succeeds and is pushed",
    points: 2,
    kind: "behaviour",
  },
  index: {
    id: "index.platforms",
    title: "The pushed tag is an index with one image per required platform",
    points: 3,
    kind: "behaviour",
  },
  entrypoint: {
    id: "binary.architecture",
    title: "Each platform's entrypoint binary is compiled for that platform",
    points: 4,
    kind: "behaviour",
  },
  foreign: {
    id: "image.foreign-binaries",
    title: "No other binary in a platform's image belongs to another architecture",
    points: 2,
    kind: "behaviour",
  },
  cross: {
    id: "build.cross-compiled",
    title: "The compiler runs natively and cross-compiles (no emulated compile)",
    points: 3,
    kind: "behaviour",
  },
  health: {
    id: "run.health",
    title: "Each platform's image starts and answers its health endpoint",
    points: 3,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
/** Partial credit for a correct image whose compile ran under emulation. */
export const EMULATED_POINTS = 1;
