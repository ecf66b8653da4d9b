import type { Canary } from "./canary.ts";
import { HexView } from "./hex-view.ts";
import { StreamMatcher } from "./stream-matcher.ts";
import { UnescapeView } from "./unescape-view.ts";
import { UnwrapView } from "./unwrap-view.ts";

/**
 * Every form of a canary a person can decode from a text with standard tools, searched in one
 * streaming pass: the bytes as they are, the bytes with URL and backslash escapes decoded, those
 * with whitespace removed (wrapped base64), and the hex digits of the text (hex in any
 * layout). Memory is bounded by the chunk size and a line.
 */
export class ContentMatcher {
  private readonly raw: StreamMatcher;
  private readonly escaped: StreamMatcher;
  private readonly wrapped: StreamMatcher;
  private readonly hexed: StreamMatcher;
  private readonly unescape = new UnescapeView();
  private readonly unwrap = new UnwrapView();
  private readonly hex = new HexView();

  constructor(canary: Canary) {
    this.raw = new StreamMatcher(canary.needles);
    this.escaped = new StreamMatcher(canary.escaped);
    this.wrapped = new StreamMatcher(canary.wrapped);
    this.hexed = new StreamMatcher(canary.hex);
  }

  push(chunk: Buffer): void {
    this.raw.push(chunk);
    const unescaped = this.unescape.push(chunk);
    this.escaped.push(unescaped.bytes, !unescaped.same);
    this.wrapped.push(this.unwrap.push(unescaped.bytes));
    this.hexed.push(this.hex.push(chunk));
  }

  end(): void {
    const unescaped = this.unescape.push(Buffer.alloc(0), true);
    this.escaped.push(unescaped.bytes);
    this.wrapped.push(this.unwrap.push(unescaped.bytes));
    this.hexed.push(this.hex.push(Buffer.alloc(0), true));
  }

  /** The encodings found; a view's find is left out when the plain search found the same form. */
  get found(): string[] {
    const raw = [...this.raw.found];
    const views = [...this.escaped.found, ...this.wrapped.found, ...this.hexed.found].filter(
      (e) => !raw.includes(e.replace(/ \(.*\)$/, "")),
    );
    return [...raw, ...views];
  }

  /** The encodings of the canary in one whole text. */
  static find(canary: Canary, text: string | Buffer): string[] {
    const matcher = new ContentMatcher(canary);
    matcher.push(typeof text === "string" ? Buffer.from(text) : text);
    matcher.end();
    return matcher.found;
  }
}
