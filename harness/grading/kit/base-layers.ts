import { detectMirror } from "../../engine/open-environment.ts";
import { mirrorLayers } from "../../inspect/mirror-layers.ts";

let known: Promise<ReadonlySet<string>> | undefined;

/**
 * The base-image mirror's layers (read once per process): content no run wrote, which searches
 * for a run's secret or a submission's files can leave closed. Empty when there is no mirror or
 * it cannot be read, so that everything is searched.
 */
export function knownBaseLayers(): Promise<ReadonlySet<string>> {
  return (known ??= (async () => {
    const mirror = await detectMirror();
    return mirror ? await mirrorLayers(mirror) : new Set<string>();
  })().catch(() => new Set<string>()));
}
