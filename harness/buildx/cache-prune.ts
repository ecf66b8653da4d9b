import type { Buildx } from "./buildx.ts";

/**
 * Empties the run's builder: every cached step and every cache mount. A grader that needs a
 * later build to start cold (one an earlier build must not have helped) calls it in between.
 */
export async function pruneBuildCache(buildx: Buildx): Promise<void> {
  await buildx.buildx(["prune", "--all", "--force"], { timeoutMs: 120_000 });
}
