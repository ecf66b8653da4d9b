import { RegistrySource } from "./registry-source.ts";
import { ImageReference } from "./image-reference.ts";
import type { ImageConfig } from "./oci-types.ts";

// The mirror is the project's own, seeded by provision.sh: these bound a walk of it anyway.
const MAX_REPOSITORIES = 200;
const MAX_TAGS = 50;

/**
 * Every layer of every image in the base-image mirror, by compressed digest and by uncompressed
 * digest (diff_id). The mirror is read-only to runs and was filled before any run's secret was
 * made: a layer equal by digest to one of these cannot hold a run's canary.
 */
export async function mirrorLayers(mirror: string, fetchImpl: typeof fetch = fetch): Promise<Set<string>> {
  const host = new URL(mirror).host;
  const digests = new Set<string>();
  const catalog = (await (await fetchImpl(new URL(`/v2/_catalog?n=${MAX_REPOSITORIES}`, mirror))).json()) as {
    repositories?: unknown;
  };
  const repositories = Array.isArray(catalog.repositories) ? catalog.repositories.filter(isName) : [];
  for (const repository of repositories.slice(0, MAX_REPOSITORIES)) {
    const source = new RegistrySource(new ImageReference(host, repository, "latest"), { fetch: fetchImpl });
    const listed = (await (await fetchImpl(new URL(`/v2/${repository}/tags/list`, mirror))).json()) as {
      tags?: unknown;
    };
    const tags = Array.isArray(listed.tags) ? listed.tags.filter(isName) : [];
    const seen = new Set<string>();
    const pending = tags.slice(0, MAX_TAGS);
    while (pending.length > 0) {
      const reference = pending.shift() ?? "";
      const { document, digest } = await source.manifest(reference);
      if (seen.has(digest)) continue;
      seen.add(digest);
      if (document.kind === "index") {
        pending.push(...document.manifests.map((m) => m.digest));
        continue;
      }
      for (const layer of document.layers) digests.add(layer.digest);
      const config = (await source.json(document.config.digest)) as Partial<ImageConfig>;
      for (const diffId of config.rootfs?.diff_ids ?? []) digests.add(diffId);
    }
  }
  return digests;
}

function isName(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
