import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type HistoryEntry,
} from "./oci-types.ts";

/** Pure: an index/manifest list or an image manifest, from its JSON. */
export function parseManifestDocument(text: string, contentType?: string): ImageIndex | ImageManifest {
  const raw = JSON.parse(text) as Record<string, unknown>;
  const mediaType = typeof raw["mediaType"] === "string" ? raw["mediaType"] : (contentType ?? "");
  if (Array.isArray(raw["manifests"])) {
    return { kind: "index", mediaType, manifests: raw["manifests"].filter(isDescriptor) };
  }
  const config = raw["config"];
  if (!isDescriptor(config))
    throw new Error(`not an image manifest or index (mediaType ${mediaType || "missing"})`);
  return {
    kind: "manifest",
    mediaType,
    config,
    layers: Array.isArray(raw["layers"]) ? raw["layers"].filter(isDescriptor) : [],
  };
}

function isDescriptor(v: unknown): v is Descriptor {
  return typeof v === "object" && v !== null && typeof (v as Record<string, unknown>)["digest"] === "string";
}

/** BuildKit stores attestations as manifests with platform unknown/unknown and this annotation. */
export function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest" ||
    (d.platform?.os === "unknown" && d.platform.architecture === "unknown")
  );
}

export function imageEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter((d) => !isAttestation(d));
}

export function attestationEntries(index: ImageIndex): Descriptor[] {
  return index.manifests.filter(isAttestation);
}

/**
 * Pairs each layer with the history entry that made it: history entries without
 * `empty_layer` correspond, in order, to the layers.
 */
export function layerHistory(
  config: ImageConfig,
  layers: readonly Descriptor[],
): { layer: Descriptor; history: HistoryEntry | undefined }[] {
  const producing = (config.history ?? []).filter((h) => !h.empty_layer);
  // Base images built without history still have layers: align from the end, where ours are.
  const offset = producing.length - layers.length;
  return layers.map((layer, i) => ({ layer, history: producing[i + offset] }));
}
