import { resolve } from "node:path";
import type { BakeTarget } from "./bake-definition.ts";
import type { BuildRequest } from "./build-command.ts";

/**
 * What `docker buildx build` gets from a vetted bake target, as bake itself would pass it (pure):
 * the Dockerfile relative to the context, the stage, args, labels and secrets, and whether (and
 * which stages) to build without the cache. The grader adds its own outputs, tags and caches.
 */
export function bakeTargetBuild(
  target: BakeTarget,
): Pick<
  BuildRequest,
  "context" | "dockerfile" | "target" | "buildArgs" | "labels" | "secrets" | "noCache" | "noCacheFilter"
> {
  return {
    context: target.context,
    dockerfile: resolve(target.context, target.dockerfile),
    ...(target.target ? { target: target.target } : {}),
    buildArgs: target.args,
    labels: target.labels,
    ...(target.secrets.length > 0 ? { secrets: target.secrets } : {}),
    ...(target.noCache ? { noCache: true } : {}),
    ...(target.noCacheFilter.length > 0 ? { noCacheFilter: target.noCacheFilter } : {}),
  };
}
