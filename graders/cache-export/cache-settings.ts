import { formatAttributes } from "../../harness/util/csv-fields.ts";
import { canonicalReference } from "../../harness/inspect/image-reference.ts";
import { relative } from "node:path";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import { SERVICES, type Service } from "./checks.ts";

/** One `cache-from` or `cache-to` entry as BuildKit reads it: its backend, reference and mode. */
export interface CacheEntry {
  readonly type: string;
  /** Registry backends: the cache image's reference. */
  readonly ref: string | undefined;
  /** `min` unless written otherwise (inline caches are always min). */
  readonly mode: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * `type=registry,ref=r/x:cache,mode=max`, a bare `r/x:cache` (buildx reads it as a registry
 * reference) or the object form bake prints: the type defaults to registry, as in buildx.
 */
export function cacheEntry(attributes: Readonly<Record<string, string>>): CacheEntry {
  const keys = Object.keys(attributes);
  const bare = keys.length === 1 && keys[0] !== undefined && attributes[keys[0]] === "" ? keys[0] : undefined;
  const type = attributes["type"] ?? "registry";
  const ref = attributes["ref"] ?? (attributes["type"] === undefined ? bare : undefined);
  const mode = type === "inline" ? "min" : (attributes["mode"] ?? "min");
  return { type, ref, mode, attributes };
}

export const cacheTo = (target: BakeTarget): CacheEntry[] => target.cacheTo.map(cacheEntry);
export const cacheFrom = (target: BakeTarget): CacheEntry[] => target.cacheFrom.map(cacheEntry);

/** The registry references a target exports its cache to. */
export function exportedRefs(target: BakeTarget): string[] {
  return cacheTo(target).flatMap((e) => (e.type === "registry" && e.ref ? [e.ref] : []));
}

/** The registry references a target imports (an inline cache is read from an image reference too). */
export function importedRefs(target: BakeTarget): string[] {
  return cacheFrom(target).flatMap((e) => (e.type === "registry" && e.ref ? [e.ref] : []));
}

/** Which service a target builds, by its context folder (`./api`, `api/`, `api`). */
export function serviceOf(target: BakeTarget, dir: string): Service | undefined {
  if (target.remoteContext) return undefined;
  const rel = relative(dir, target.context).replace(/\/+$/, "");
  return SERVICES.find((s) => s === rel);
}

/** The default group's target for each service (the first, when two build the same folder). */
export function targetsByService(
  targets: readonly BakeTarget[],
  dir: string,
): Partial<Record<Service, BakeTarget>> {
  const out: Partial<Record<Service, BakeTarget>> = {};
  for (const target of targets) {
    const service = serviceOf(target, dir);
    if (service && !out[service]) out[service] = target;
  }
  return out;
}

/**
 * Back to the option string buildx takes on its command line, field by field as buildx reads
 * it; undefined when buildx would read other attributes than these (the entry is then unused).
 */
export function cacheSpec(entry: CacheEntry): string | undefined {
  // The shorthand (a bare reference) is written out as what it means: a registry cache there.
  const keys = Object.keys(entry.attributes);
  const bare = keys.length === 1 && entry.attributes["type"] === undefined && entry.ref === keys[0];
  return formatAttributes(bare ? { type: "registry", ref: entry.ref ?? "" } : entry.attributes);
}

/** Why a target's steps could be missing from the cache a fresh builder imported, in words. */
export function missingCacheReason(target: BakeTarget, others: readonly BakeTarget[]): string {
  if (target.noCache)
    return "the target sets no-cache = true: every step is built again, whatever the imported cache holds";
  if (target.noCacheFilter.length > 0)
    return `the target sets no-cache-filter (${target.noCacheFilter.join(", ")}): those stages are built again, whatever the imported cache holds`;
  const exported = cacheTo(target);
  const registry = exported.filter((e) => e.type === "registry" && e.ref);
  if (exported.length === 0) return "it exports no cache, so a new runner has nothing to import";
  if (exported.some((e) => e.type === "inline") && registry.length === 0)
    return "an inline cache is always min mode: it carries only the final image's layers, not the build stages";
  if (registry.length === 0)
    return `its cache goes to ${exported.map((e) => e.type).join(", ")}, which the grader's runners cannot read`;
  const imported = new Set(importedRefs(target).map(canonicalReference));
  if (!registry.some((e) => e.ref !== undefined && imported.has(canonicalReference(e.ref))))
    return "it never imports the cache it exports (cache-from does not name its cache-to reference)";
  const mine = new Set(registry.flatMap((e) => (e.ref === undefined ? [] : [canonicalReference(e.ref)])));
  const sharing = others.filter(
    (o) => o.name !== target.name && exportedRefs(o).some((r) => mine.has(canonicalReference(r))),
  );
  if (sharing.length > 0)
    return `${sharing.map((o) => o.name).join(", ")} writes the same cache reference, and the last export replaces the other`;
  if (registry.every((e) => e.mode !== "max"))
    return "min mode (the default) exports only the layers of the final image: the build stages' steps are not kept";
  return "the imported cache did not hold these steps";
}
