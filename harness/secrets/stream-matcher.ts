import type { Canary } from "./canary.ts";

/**
 * Searches a byte stream for a canary's encodings chunk by chunk, without holding the stream:
 * each chunk is searched on its own, plus the seam with the end of the previous chunk, so a
 * match split across chunks (or tar blocks) is still found.
 */
export class StreamMatcher {
  private readonly canary: Canary;
  private readonly overlap: number;
  private tail: Buffer = Buffer.alloc(0);
  readonly found = new Set<string>();

  constructor(canary: Canary) {
    this.canary = canary;
    this.overlap = canary.longest - 1;
  }

  push(chunk: Buffer): void {
    if (this.found.size === this.canary.needles.length) return;
    const seam =
      this.tail.length > 0 ? Buffer.concat([this.tail, chunk.subarray(0, this.overlap)]) : undefined;
    for (const needle of this.canary.needles) {
      if (this.found.has(needle.encoding)) continue;
      if (chunk.includes(needle.bytes) || (seam !== undefined && seam.includes(needle.bytes)))
        this.found.add(needle.encoding);
    }
    this.tail =
      chunk.length >= this.overlap
        ? chunk.subarray(chunk.length - this.overlap)
        : Buffer.concat([this.tail, chunk]).subarray(-this.overlap);
  }
}
