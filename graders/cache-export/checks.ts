import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  bakeParses: {
    id: "bake.parses",
    title: "docker buildx bake reads the bake file",
    points: 1,
    kind: "static",
  },
  bothTargets: {
    id: "bake.both-targets",
    title: "The default group builds the api and the worker",
    points: 2,
    kind: "static",
  },
  registryVariable: {
    id: "bake.registry-variable",
    title: "Every image and cache reference is built from the REGISTRY variable",
    points: 1,
    kind: "static",
  },
  cacheMax: {
    id: "bake.cache-max",
    title: "Each image exports a registry cache in mode=max",
    points: 2,
    kind: "static",
  },
  cacheDistinct: {
    id: "bake.cache-distinct",
    title: "No two images write the same cache reference",
    points: 1,
    kind: "static",
  },
  cacheImported: {
    id: "bake.cache-imported",
    title: "Each image reads back the cache it writes",
    points: 2,
    kind: "static",
  },
  oneBake: {
    id: "workflow.one-bake",
    title: "CI builds and pushes both images with one bake call",
    points: 2,
    kind: "static",
  },
  builder: {
    id: "workflow.builder",
    title: "CI sets up a builder that can export a cache",
    points: 1,
    kind: "static",
  },
  cold: {
    id: "build.cold",
    title: "A cold bake on an empty builder builds and pushes both images and their caches",
    points: 2,
    kind: "behaviour",
  },
  freshRunner: {
    id: "cache.fresh-runner",
    title: "On a brand-new builder, every step of both images comes from the imported cache",
    points: 4,
    kind: "behaviour",
  },
  sourceChange: {
    id: "cache.source-change",
    title:
      "After an api source change, the worker stays cached and the api re-runs only what the change affects",
    points: 4,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
export const BAKE_IDS: readonly string[] = [
  CHECKS.bakeParses.id,
  CHECKS.bothTargets.id,
  CHECKS.registryVariable.id,
  CHECKS.cacheMax.id,
  CHECKS.cacheDistinct.id,
  CHECKS.cacheImported.id,
];
export const WORKFLOW_IDS: readonly string[] = [CHECKS.oneBake.id, CHECKS.builder.id];

/** The two services of the exercise, by the folder each is built from. */
export const SERVICES = ["api", "worker"] as const;
export type Service = (typeof SERVICES)[number];

export const BAKE_FILE = "docker-bake.hcl";
export const WORKFLOW_FILE = ".github/workflows/images.yml";
