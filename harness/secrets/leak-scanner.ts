import { cacheBlobs, isLayerBlob } from "../inspect/cache-layers.ts";
import type { ImageSource } from "../inspect/image-source.ts";
import type { ImageRead, PlatformImage } from "../inspect/image-reader.ts";
import { scanImageLayers } from "../inspect/image-reader.ts";
import { compressionOf, scanLayer } from "../inspect/layer-scanner.ts";
import type { Canary } from "./canary.ts";
import { ContentMatcher } from "./content-matcher.ts";
import { ContentScanner, ScanLedger } from "./content-scanner.ts";
import type { LeakFinding } from "./leak-finding.ts";

const short = (digest: string): string => digest.replace(/^sha256:/, "").slice(0, 12);
const clean = (createdBy: string): string => createdBy.replace(/\s*# buildkit$/, "");
const inside = (within: readonly string[]): string => within.map((w) => ` › ${w}`).join("");

/** `docker history`: every step's created_by and comment. */
export function scanHistory(image: PlatformImage, canary: Canary): LeakFinding[] {
  return (image.config.history ?? []).flatMap((entry, index) => {
    const encodings = ContentMatcher.find(canary, `${entry.created_by ?? ""}\n${entry.comment ?? ""}`);
    return encodings.length > 0
      ? [
          {
            place: "history" as const,
            where: `history entry ${index + 1}`,
            encodings,
            ...(entry.created_by ? { createdBy: clean(entry.created_by) } : {}),
          },
        ]
      : [];
  });
}

/** Config fields searched by name first, so a finding says which one (Env and Labels per entry). */
const NAMED_FIELDS = ["Env", "Labels", "Cmd", "Entrypoint", "User", "WorkingDir", "OnBuild", "ExposedPorts"];

/**
 * The image config a `docker inspect` shows: Env, Labels, Cmd, Entrypoint, User, WorkingDir,
 * OnBuild and every other field it carries (Volumes, StopSignal, Healthcheck, Shell, author,
 * whatever a builder adds), so a value that reached the config is found wherever it sits.
 */
export function scanConfig(image: PlatformImage, canary: Canary): LeakFinding[] {
  const config: Readonly<Record<string, unknown>> = image.config.config ?? {};
  const labels = image.config.config?.Labels ?? {};
  const outside: [string, unknown][] = Object.entries(image.config);
  const fields: [string, unknown][] = [
    ...(image.config.config?.Env ?? []).map((e): [string, unknown] => [`Env ${e.split("=")[0] ?? ""}`, e]),
    ...Object.entries(labels).map(([k, v]): [string, unknown] => [`Labels ${k}`, `${k}=${v}`]),
    ...NAMED_FIELDS.slice(2).map((name): [string, unknown] => [name, config[name]]),
    ...Object.entries(config).filter(([name]) => !NAMED_FIELDS.includes(name)),
    // Outside .config: author (MAINTAINER), and anything but the history and layer digests,
    // which the history search and the layer search cover.
    ...outside
      .filter(([name]) => !["config", "history", "rootfs"].includes(name))
      .map(([name, value]): [string, unknown] => [`(image) ${name}`, value]),
  ];
  const findings: LeakFinding[] = [];
  for (const [field, value] of fields) {
    if (value === undefined || value === null) continue;
    const encodings = ContentMatcher.find(canary, JSON.stringify(value));
    if (encodings.length > 0) findings.push({ place: "config", where: `config ${field}`, encodings });
  }
  return findings;
}

/**
 * Every file of every layer, names and contents, including files a later layer deletes, and
 * what compressed or archived files hold. `ledger` collects the bounds the search reached.
 */
export async function scanLayers(
  source: ImageSource,
  image: PlatformImage,
  canary: Canary,
  ledger: ScanLedger = new ScanLedger(),
  /** Layers not to open: base-image layers known by digest, which cannot hold the canary. */
  skip?: ReadonlySet<string>,
): Promise<LeakFinding[]> {
  const files: {
    layer: number;
    digest: string;
    path: string;
    createdBy: string | undefined;
    scanner: ContentScanner | undefined;
    nameHit: string[];
  }[] = [];
  const whiteouts: { layer: number; target: string; opaque: boolean }[] = [];
  await scanImageLayers(
    source,
    image,
    (where, entry) => {
      if (entry.whiteout) whiteouts.push({ layer: where.index, ...entry.whiteout });
      const nameHit = ContentMatcher.find(canary, `${entry.path}\n${entry.linkpath ?? ""}`);
      const scanner =
        entry.type === "file" && entry.size > 0 ? new ContentScanner(canary, ledger, [], 0) : undefined;
      if (nameHit.length > 0 || scanner)
        files.push({
          layer: where.index,
          digest: where.layer.digest,
          path: entry.path,
          createdBy: where.history?.created_by === undefined ? undefined : clean(where.history.created_by),
          scanner,
          nameHit,
        });
      return scanner;
    },
    skip,
  );
  return files.flatMap((f) => {
    const hits = [
      ...(f.nameHit.length > 0 ? [{ within: [], encodings: f.nameHit.map((e) => `${e} (file name)`) }] : []),
      ...(f.scanner?.found ?? []),
    ];
    const deletedLater = whiteouts.some(
      (w) =>
        w.layer > f.layer &&
        (w.opaque
          ? f.path.startsWith(`${w.target}/`)
          : f.path === w.target || f.path.startsWith(`${w.target}/`)),
    );
    return hits.map((hit) => ({
      place: "layer" as const,
      where: `layer ${f.layer + 1} (${short(f.digest)}) /${f.path}${inside(hit.within)}`,
      encodings: hit.encodings,
      ...(f.createdBy ? { createdBy: f.createdBy } : {}),
      deletedLater,
    }));
  });
}

/** Attestation manifests (provenance, SBOM): their in-toto statements are small JSON blobs. */
export async function scanAttestations(
  source: ImageSource,
  read: ImageRead,
  canary: Canary,
): Promise<LeakFinding[]> {
  const findings: LeakFinding[] = [];
  for (const descriptor of read.attestations) {
    const manifest = await source.manifest(descriptor.digest);
    if (manifest.document.kind !== "manifest") continue;
    for (const layer of manifest.document.layers) {
      const text = JSON.stringify(await source.json(layer.digest));
      const encodings = ContentMatcher.find(canary, text);
      const predicate = layer.annotations?.["in-toto.io/predicate-type"] ?? layer.mediaType;
      if (encodings.length > 0)
        findings.push({
          place: "attestation",
          where: `attestation ${short(descriptor.digest)} (${predicate})`,
          encodings,
        });
    }
  }
  return findings;
}

/**
 * An exported registry cache: an index (or manifest) of layer blobs plus BuildKit's cache
 * config. In max mode it holds every stage's layers, not just the final image's; `skip` lists
 * blobs already searched (the image's layer digests and diff ids: the cache may hold the same
 * layer compressed differently) so a leak is reported where it first shows.
 */
export async function scanCache(
  source: ImageSource,
  reference: string,
  canary: Canary,
  options: { skip?: ReadonlySet<string>; ledger?: ScanLedger } = {},
): Promise<LeakFinding[]> {
  const ledger = options.ledger ?? new ScanLedger();
  const blobs = await cacheBlobs(source, reference);
  const findings: LeakFinding[] = [];
  for (const blob of blobs) {
    // Blobs shared with the image (same digest, or same content compressed differently) were
    // already searched as its layers: a leak is reported where it first shows.
    const uncompressed = blob.annotations?.["containerd.io/uncompressed"];
    if (options.skip?.has(blob.digest) || (uncompressed !== undefined && options.skip?.has(uncompressed)))
      continue;
    if (isLayerBlob(blob)) {
      const files: { path: string; scanner: ContentScanner; nameHit: string[] }[] = [];
      await scanLayer(await source.blob(blob.digest), compressionOf(blob.mediaType), (entry) => {
        const nameHit = ContentMatcher.find(canary, `${entry.path}\n${entry.linkpath ?? ""}`);
        const scanner = new ContentScanner(canary, ledger);
        if (nameHit.length > 0 || (entry.type === "file" && entry.size > 0))
          files.push({ path: entry.path, scanner, nameHit });
        return entry.type === "file" && entry.size > 0 ? scanner : undefined;
      });
      for (const f of files) {
        const hits = [
          ...(f.nameHit.length > 0
            ? [{ within: [], encodings: f.nameHit.map((e) => `${e} (file name)`) }]
            : []),
          ...f.scanner.found,
        ];
        for (const hit of hits)
          findings.push({
            place: "cache",
            where: `cache layer ${short(blob.digest)} /${f.path}${inside(hit.within)}`,
            encodings: hit.encodings,
          });
      }
    } else {
      const encodings = ContentMatcher.find(canary, JSON.stringify(await source.json(blob.digest)));
      if (encodings.length > 0)
        findings.push({
          place: "cache",
          where: `cache blob ${short(blob.digest)} (${blob.mediaType})`,
          encodings,
        });
    }
  }
  return findings;
}
