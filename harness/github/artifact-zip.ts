import { Unzip, UnzipInflate } from "fflate";

/** A file taken out of an artifact's zip: untrusted bytes, never written to disk. */
export interface ArtifactEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface ZipLimits {
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  readonly maxFiles: number;
}

export class ArtifactRefused extends Error {
  readonly code = "ARTIFACT_REFUSED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ArtifactRefused";
  }
}

/**
 * Unpacks an artifact zip in memory, bounded by what it really inflates to (a zip's declared
 * sizes can lie): the first byte over a limit stops it. Only top-level `*.json` files are kept;
 * the others (summary.md, junit.xml) count towards the limits and are dropped.
 */
export function unzipArtifact(zip: Uint8Array, limits: ZipLimits): ArtifactEntry[] {
  const entries: ArtifactEntry[] = [];
  let files = 0;
  let total = 0;
  let failure: ArtifactRefused | undefined;
  const unzip = new Unzip();
  unzip.register(UnzipInflate);
  unzip.onfile = (file) => {
    if (failure) return;
    files += 1;
    if (files > limits.maxFiles) {
      failure = new ArtifactRefused(`the artifact holds more than ${limits.maxFiles} files`);
      return;
    }
    const keep = /^[A-Za-z0-9._-]+\.json$/.test(file.name);
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = new ArtifactRefused(`${file.name} could not be unpacked: ${error.message}`, {
          cause: error,
        });
        return;
      }
      size += data.length;
      total += data.length;
      if (size > limits.maxFileBytes) {
        failure = new ArtifactRefused(`${file.name} unpacks to more than ${limits.maxFileBytes} bytes`);
        file.terminate();
        return;
      }
      if (total > limits.maxTotalBytes) {
        failure = new ArtifactRefused(`the artifact unpacks to more than ${limits.maxTotalBytes} bytes`);
        file.terminate();
        return;
      }
      if (keep) chunks.push(data);
      if (final && keep) entries.push({ name: file.name, bytes: concat(chunks, size) });
    };
    file.start();
  };
  try {
    unzip.push(zip, true);
  } catch (error) {
    if (!failure)
      throw new ArtifactRefused(`the artifact is not a valid zip: ${String(error)}`, { cause: error });
  }
  if (failure) throw failure;
  return entries.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
