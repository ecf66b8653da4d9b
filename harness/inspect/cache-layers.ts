import type { Descriptor } from "./oci-types.ts";
import type { ImageSource } from "./image-source.ts";
import { compressionOf, scanLayer, type EntryVisitor, type ScanSummary } from "./layer-scanner.ts";

/** Every blob an exported registry cache lists: an index of blobs, or a manifest's config and layers. */
export async function cacheBlobs(source: ImageSource, reference: string): Promise<Descriptor[]> {
  const top = await source.manifest(reference);
  return top.document.kind === "index"
    ? [...top.document.manifests]
    : [top.document.config, ...top.document.layers];
}

/** Whether a cache blob is a layer (a tar stream) rather than BuildKit's cache config. */
export function isLayerBlob(blob: Descriptor): boolean {
  return /tar|layer/.test(blob.mediaType);
}

/**
 * Streams every layer of an exported cache (every stage's in max mode) through `visit`, except
 * those in `skip` (by digest or uncompressed digest: usually the image's own, already read).
 */
export async function scanCacheLayers(
  source: ImageSource,
  reference: string,
  visit: (blob: Descriptor) => EntryVisitor,
  skip: ReadonlySet<string> = new Set(),
): Promise<ScanSummary[]> {
  const summaries: ScanSummary[] = [];
  for (const blob of await cacheBlobs(source, reference)) {
    const uncompressed = blob.annotations?.["containerd.io/uncompressed"];
    if (!isLayerBlob(blob) || skip.has(blob.digest) || (uncompressed !== undefined && skip.has(uncompressed)))
      continue;
    summaries.push(
      await scanLayer(await source.blob(blob.digest), compressionOf(blob.mediaType), visit(blob)),
    );
  }
  return summaries;
}
