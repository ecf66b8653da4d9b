import type { BakeTarget } from "../bake-definition.ts";

/** A bake target as `bake --print` would resolve it, with only the given settings (for tests). */
export function bakeTarget(context: string, over: Partial<BakeTarget> = {}): BakeTarget {
  return {
    name: "default",
    context,
    remoteContext: undefined,
    dockerfile: "Dockerfile",
    target: undefined,
    args: {},
    labels: {},
    secrets: [],
    cacheFrom: [],
    cacheTo: [],
    outputs: [],
    platforms: [],
    tags: [],
    noCache: false,
    noCacheFilter: [],
    ignored: [],
    ...over,
  };
}
