import { behaviourIds, type CheckSpec } from "../../harness/grading/check.ts";

export const CHECKS = {
  parses: {
    id: "dockerfile.parses",
    title: "The Dockerfile is a valid Dockerfile",
    points: 1,
    kind: "static",
  },
  manifestsFirst: {
    id: "dockerfile.manifests-first",
    title: "Dependency manifests are copied (or bound) before the install, without the source",
    points: 2,
    kind: "static",
  },
  installCacheMount: {
    id: "dockerfile.install-cache-mount",
    title: "Every dependency install uses a cache mount",
    points: 2,
    kind: "static",
  },
  runtimeStage: {
    id: "dockerfile.runtime-stage",
    title: "A separate runtime stage that does not compile",
    points: 1,
    kind: "static",
  },
  workflowBuildx: {
    id: "workflow.setup-buildx",
    title: "The workflow sets up Buildx",
    points: 1,
    kind: "static",
  },
  workflowBuild: {
    id: "workflow.build-push",
    title: "The workflow builds with Buildx (build-push-action)",
    points: 1,
    kind: "static",
  },
  workflowCacheFrom: {
    id: "workflow.gha-cache-from",
    title: "The workflow imports the GitHub Actions cache",
    points: 1,
    kind: "static",
  },
  workflowCacheMax: {
    id: "workflow.gha-cache-max",
    title: "The workflow exports the GitHub Actions cache in max mode",
    points: 2,
    kind: "static",
  },
  coldBuild: { id: "build.cold", title: "A cold build succeeds", points: 2, kind: "behaviour" },
  depsCached: {
    id: "cache.deps-cached-on-source-change",
    title: "After a source-only change the install comes from cache",
    points: 3,
    kind: "behaviour",
  },
  sourceRebuilt: {
    id: "cache.source-change-rebuilt",
    title: "After a source-only change the app is rebuilt and the image has the change",
    points: 2,
    kind: "behaviour",
  },
  mountReused: {
    id: "cache.mount-reused",
    title: "After a manifest change the install reuses the package cache mount",
    points: 3,
    kind: "behaviour",
  },
  noDevDeps: {
    id: "image.no-dev-dependencies",
    title: "The final image carries no dev dependencies",
    points: 2,
    kind: "behaviour",
  },
  noPackageCache: {
    id: "image.no-package-cache",
    title: "No package-manager cache adds bytes to any layer",
    points: 2,
    kind: "behaviour",
  },
} as const satisfies Record<string, CheckSpec>;

export const CHECK_LIST: readonly CheckSpec[] = Object.values(CHECKS);
export const BEHAVIOUR_IDS: readonly string[] = behaviourIds(CHECK_LIST);
