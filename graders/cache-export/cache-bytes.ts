/**
 * The bytes a registry cache holds, from its manifest (pure): BuildKit writes either an index
 * whose entries are the cache's layer blobs and its config, or (image-manifest=true) an image
 * manifest with them as layers. Sizes as the registry stores them (compressed).
 */
export function cacheBytes(manifestText: string): number {
  const doc = JSON.parse(manifestText) as {
    manifests?: { size?: unknown }[];
    layers?: { size?: unknown }[];
    config?: { size?: unknown };
  };
  const size = (d: { size?: unknown } | undefined): number => (typeof d?.size === "number" ? d.size : 0);
  return [...(doc.manifests ?? []), ...(doc.layers ?? [])].reduce(
    (sum, d) => sum + size(d),
    size(doc.config),
  );
}
