import { RegistryError } from "../errors.ts";
import { ImageFilesystem } from "./image-filesystem.ts";
import { attestationEntries, imageEntries, layerHistory } from "./image-index.ts";
import type { ImageSource } from "./image-source.ts";
import type { LayerEntry } from "./layer-entry.ts";
import { compressionOf, scanLayer, type EntryVisitor, type ScanSummary } from "./layer-scanner.ts";
import {
  platformString,
  type Descriptor,
  type HistoryEntry,
  type ImageConfig,
  type ImageManifest,
} from "./oci-types.ts";

/** One platform's image: its manifest, config and the index entry that pointed at it. */
export interface PlatformImage {
  readonly platform: string;
  readonly entry: Descriptor | undefined;
  readonly manifestDigest: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
}

export interface ImageRead {
  readonly digest: string;
  readonly mediaType: string;
  readonly images: readonly PlatformImage[];
  readonly attestations: readonly Descriptor[];
}

/** Reads a tag or digest: an index is followed to every platform's manifest and config. */
export async function readImage(source: ImageSource, reference: string): Promise<ImageRead> {
  const top = await source.manifest(reference);
  if (top.document.kind === "manifest") {
    const config = await readConfig(source, top.document);
    return {
      digest: top.digest,
      mediaType: top.document.mediaType,
      images: [
        {
          platform: platformString(config),
          entry: undefined,
          manifestDigest: top.digest,
          manifest: top.document,
          config,
        },
      ],
      attestations: [],
    };
  }
  const images: PlatformImage[] = [];
  for (const entry of imageEntries(top.document)) {
    const child = await source.manifest(entry.digest);
    if (child.document.kind !== "manifest")
      throw new RegistryError(
        `${entry.digest} in ${reference} is a nested index, which graders do not expect`,
      );
    const config = await readConfig(source, child.document);
    images.push({
      platform: entry.platform ? platformString(entry.platform) : platformString(config),
      entry,
      manifestDigest: entry.digest,
      manifest: child.document,
      config,
    });
  }
  return {
    digest: top.digest,
    mediaType: top.document.mediaType,
    images,
    attestations: attestationEntries(top.document),
  };
}

async function readConfig(source: ImageSource, manifest: ImageManifest): Promise<ImageConfig> {
  const raw = await source.json(manifest.config.digest);
  if (typeof raw !== "object" || raw === null)
    throw new RegistryError(`config ${manifest.config.digest} is not a JSON object`);
  return raw as ImageConfig;
}

export interface LayerVisit {
  readonly layer: Descriptor;
  readonly index: number;
  readonly history: HistoryEntry | undefined;
}

/** Streams every layer of an image through `visit`, in order; nothing touches the disk. */
export async function scanImageLayers(
  source: ImageSource,
  image: PlatformImage,
  visit: (where: LayerVisit, entry: LayerEntry) => ReturnType<EntryVisitor>,
  /** Layers not to open (by compressed digest or diff_id), e.g. known base-image layers. */
  skip?: ReadonlySet<string>,
): Promise<ScanSummary[]> {
  const summaries: ScanSummary[] = [];
  const pairs = layerHistory(image.config, image.manifest.layers);
  for (const [index, { layer, history }] of pairs.entries()) {
    if (skip && isListed(skip, layer.digest, image.config.rootfs?.diff_ids[index])) continue;
    const stream = await source.blob(layer.digest);
    summaries.push(
      await scanLayer(stream, compressionOf(layer.mediaType), (entry) =>
        visit({ layer, index, history }, entry),
      ),
    );
  }
  return summaries;
}

/**
 * The image's final filesystem, with the first `headBytes` of every regular file kept; the layers
 * in `skip` (by digest or diff_id) are left out, so only what the other layers hold is seen.
 */
export async function loadFilesystem(
  source: ImageSource,
  image: PlatformImage,
  headBytes = 64,
  skip: ReadonlySet<string> = new Set(),
): Promise<ImageFilesystem> {
  const fs = new ImageFilesystem();
  await scanImageLayers(
    source,
    image,
    (where, entry) => {
      if (entry.type !== "file" || entry.size === 0) {
        fs.apply(entry, where.index);
        return undefined;
      }
      let head = Buffer.alloc(0);
      fs.apply(entry, where.index, head);
      return (chunk) => {
        if (head.length >= headBytes) return;
        head = Buffer.concat([head, chunk]).subarray(0, headBytes);
        fs.apply(entry, where.index, head);
      };
    },
    skip,
  );
  return fs;
}

/** Whether a layer is in `set`, by its compressed digest or its diff_id. */
export function isListed(set: ReadonlySet<string>, digest: string, diffId: string | undefined): boolean {
  return set.has(digest) || (diffId !== undefined && set.has(diffId));
}

/**
 * The blobs a cache search can leave closed: the image's own layers (searched as its layers) and
 * `known` ones (see kit/base-layers.ts), by compressed digest and diff_id.
 */
export function searchedElsewhere(image: PlatformImage, known: ReadonlySet<string>): Set<string> {
  return new Set([
    ...image.manifest.layers.map((l) => l.digest),
    ...(image.config.rootfs?.diff_ids ?? []),
    ...known,
  ]);
}
