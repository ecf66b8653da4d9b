import type { SubmissionFiles } from "../grader.ts";

/** What a learner file's bytes are, read as the text a static check judges (pure). */
export type TextFileRead = { readonly text: string } | { readonly problem: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Decodes a learner's file as UTF-8, as BuildKit, buildx and GitHub read theirs: a leading byte
 * order mark is dropped (each of them drops it), and a file that is not text says why instead of
 * being echoed back as replacement characters.
 */
export function decodeTextFile(bytes: Uint8Array, maxBytes: number): TextFileRead {
  if (bytes.length > maxBytes)
    return {
      problem: `it is ${formatSize(bytes.length)}, more than the ${formatSize(maxBytes)} read for checks`,
    };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: `it holds a NUL byte (at byte ${nul}): it is a binary file, not text` };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const at = firstInvalid(bytes);
    return {
      problem: `it is not UTF-8 text${at === undefined ? "" : ` (byte ${at} is not valid UTF-8)`}: save it as UTF-8, the encoding Docker and GitHub read`,
    };
  }
}

/** Where the first sequence that is not UTF-8 starts (the decoder has already said there is one). */
function firstInvalid(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i] ?? 0;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += length;
  }
  // Only overlong or surrogate forms get here: the decoder refused one, this scan does not place it.
  return undefined;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** The message for a file a check needs and has no text of: why it is unreadable, else `missing`. */
export function unreadableOr(files: SubmissionFiles, path: string, missing: string): string {
  const problem = files.unreadable(path);
  return problem === undefined ? missing : `${path} cannot be read: ${problem}.`;
}
