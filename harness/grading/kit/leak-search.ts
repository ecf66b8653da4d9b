import type { DockerfileModel } from "../../dockerfile/dockerfile-model.ts";
import { locateCreatedBy } from "../../dockerfile/locate-step.ts";
import type { ImageRead, PlatformImage } from "../../inspect/image-reader.ts";
import type { ImageSource } from "../../inspect/image-source.ts";
import type { Canary } from "../../secrets/canary.ts";
import { ScanLedger } from "../../secrets/content-scanner.ts";
import type { LeakFinding, LeakPlace } from "../../secrets/leak-finding.ts";
import {
  scanAttestations,
  scanCache,
  scanConfig,
  scanHistory,
  scanLayers,
} from "../../secrets/leak-scanner.ts";
import type { CheckLocation } from "../check.ts";
import type { Scorecard } from "../scorecard.ts";
import { DOCKERFILE } from "./dockerfile-or-fail.ts";
import { settleAll } from "../../util/settle-all.ts";
import { knownBaseLayers } from "./base-layers.ts";
import { isListed, searchedElsewhere } from "../../inspect/image-reader.ts";

/** Where a planted secret was looked for, what was found, and what the search could not open. */
export interface LeakSearch {
  readonly findings: readonly LeakFinding[];
  /** Per place, the bounds the search reached: not proven clean there. */
  readonly unsearched: Partial<Record<LeakPlace, readonly string[]>>;
  readonly decodedBytes: number;
  /** The image's layers left closed: equal by digest to the base-image mirror's (see base-layers.ts). */
  readonly baseLayersSkipped: number;
}

/**
 * Searches one pushed image and its exported registry cache for a canary: history, config,
 * every layer (deleted files included), attestations, and the cache's blobs the image does not
 * share (those were searched as its layers).
 */
export async function searchForLeaks(
  source: ImageSource,
  read: ImageRead,
  image: PlatformImage,
  canary: Canary,
  cacheReference: string,
): Promise<LeakSearch> {
  // One ledger per place, so a bound reached in the cache does not cast doubt on the layers.
  const layerLedger = new ScanLedger();
  const cacheLedger = new ScanLedger();
  // The places are searched side by side (decompression runs on other threads); findings keep
  // their order: layers, attestations, cache.
  // Base-image layers are the mirror's, read-only and made before this run's canary existed:
  // equal by digest, they cannot hold it. Only they are left closed.
  const known = await knownBaseLayers();
  const scans = [
    scanLayers(source, image, canary, layerLedger, known),
    scanAttestations(source, read, canary),
    scanCache(source, cacheReference, canary, {
      ledger: cacheLedger,
      skip: searchedElsewhere(image, known),
    }),
  ] as const;
  // All settle before any failure is thrown: no search still reads when the run is taken down.
  await settleAll(scans);
  const [layers, attestations, cache] = await Promise.all(scans);
  const findings = [
    ...scanHistory(image, canary),
    ...scanConfig(image, canary),
    ...layers,
    ...attestations,
    ...cache,
  ];
  return {
    findings,
    unsearched: { layer: layerLedger.limits, cache: cacheLedger.limits },
    decodedBytes: layerLedger.decodedBytes + cacheLedger.decodedBytes,
    baseLayersSkipped: image.manifest.layers.filter((l, i) =>
      isListed(known, l.digest, image.config.rootfs?.diff_ids[i]),
    ).length,
  };
}

/** The check a place is judged by, the advice when it leaks, and the message when it is clean. */
export interface LeakCheck {
  readonly id: string;
  readonly fix: string;
  readonly clean: string;
}

/**
 * One check per place: failed with every finding (and the Dockerfile line that wrote it) when
 * the secret shows there; failed too when the search could not open everything, because not
 * proven clean is not clean; passed otherwise. `secret` names it in messages ("the token").
 */
export function judgeLeaks(
  card: Scorecard,
  checks: Readonly<Record<LeakPlace, LeakCheck>>,
  search: LeakSearch,
  options: { readonly model: DockerfileModel; readonly fallback: CheckLocation; readonly secret: string },
): void {
  for (const [place, check] of Object.entries(checks) as [LeakPlace, LeakCheck][]) {
    const here = search.findings.filter((f) => f.place === place);
    const limits = search.unsearched[place] ?? [];
    if (here.length === 0 && limits.length > 0) {
      card.fail(check.id, {
        message: `The search for ${options.secret} could not open everything, so the grader cannot prove it is absent. Remove the large or deeply nested compressed files from the image (or the cache), or ask your instructor to raise the bound.`,
        details: limits.map((l) => `Not searched further: ${l}`),
        location: options.fallback,
      });
      continue;
    }
    if (here.length === 0) {
      card.pass(check.id, { message: check.clean });
      continue;
    }
    const located = here.map((f) => ({
      f,
      line: f.createdBy ? locateCreatedBy(options.model, f.createdBy)?.line : undefined,
    }));
    const first = located.find((x) => x.line !== undefined);
    card.fail(check.id, {
      message: `${capitalise(options.secret)} leaks in ${here.length} place(s). ${check.fix}`,
      details: [
        ...located.map(
          ({ f, line }) =>
            `${f.where} [${f.encodings.join(", ")}]${f.createdBy ? ` written by: ${f.createdBy.slice(0, 160)}` : ""}${line ? ` (Dockerfile line ${line})` : ""}${f.deletedLater ? "; deleted by a later layer but still shipped" : ""}`,
        ),
        ...limits.map((l) => `Not searched further: ${l}`),
      ],
      location: first?.line ? { file: DOCKERFILE, line: first.line } : options.fallback,
    });
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
