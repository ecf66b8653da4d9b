import type { Needle } from "./canary.ts";

/**
 * Searches a byte stream for a set of needles chunk by chunk, without holding the stream: each
 * chunk is searched on its own, plus the seam with the end of the previous chunk, so a match
 * split across chunks (or tar blocks) is still found.
 */
export class StreamMatcher {
  private readonly needles: readonly Needle[];
  private readonly overlap: number;
  private tail: Buffer = Buffer.alloc(0);
  readonly found = new Set<string>();

  constructor(needles: readonly Needle[]) {
    this.needles = needles;
    this.overlap = Math.max(1, ...needles.map((n) => n.bytes.length)) - 1;
  }

  get done(): boolean {
    return this.found.size === this.needles.length;
  }

  /** `searchBody: false` searches only the seam: the chunk was already searched elsewhere. */
  push(chunk: Buffer, searchBody = true): void {
    if (chunk.length === 0 || this.done) return;
    const seam =
      this.tail.length > 0 ? Buffer.concat([this.tail, chunk.subarray(0, this.overlap)]) : undefined;
    for (const needle of this.needles) {
      if (this.found.has(needle.encoding)) continue;
      if ((searchBody && chunk.includes(needle.bytes)) || (seam !== undefined && seam.includes(needle.bytes)))
        this.found.add(needle.encoding);
    }
    this.tail =
      chunk.length >= this.overlap
        ? chunk.subarray(chunk.length - this.overlap)
        : Buffer.concat([this.tail, chunk]).subarray(-this.overlap);
  }
}
