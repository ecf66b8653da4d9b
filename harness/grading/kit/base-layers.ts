import { detectMirror } from "../../engine/base-image-mirror.ts";
import { mirrorLayers } from "../../inspect/mirror-layers.ts";

let known: Promise<ReadonlySet<string>> | undefined;

/**
 * The base-image mirror's layers (read once per process): content no run wrote, which searches
 * for a run's secret or a submission's files can leave closed. Only a mirror that refuses
 * writes qualifies (provision.sh's is read-only; a GRADER_MIRROR someone could push to is not).
 * Empty when there is no such mirror or it cannot be read: everything is then searched.
 */
export function knownBaseLayers(): Promise<ReadonlySet<string>> {
  return (known ??= (async () => {
    const mirror = await detectMirror();
    return mirror && (await refusesWrites(mirror)) ? await mirrorLayers(mirror) : new Set<string>();
  })().catch(() => new Set<string>()));
}

/** Whether the registry refuses every blob upload, as a read-only registry does (405). */
export async function refusesWrites(registry: string, fetchImpl: typeof fetch = fetch): Promise<boolean> {
  const response = await fetchImpl(new URL("/v2/bkg-write-probe/blobs/uploads/", registry), {
    method: "POST",
    signal: AbortSignal.timeout(5000),
  });
  await response.body?.cancel();
  if (response.status === 202) {
    // It accepts writes: give up the upload it opened.
    const location = response.headers.get("location");
    if (location)
      await fetchImpl(new URL(location, registry), { method: "DELETE", signal: AbortSignal.timeout(5000) })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    return false;
  }
  // 405: read-only by configuration. A 401 would only mean "not without credentials".
  return response.status === 405;
}
