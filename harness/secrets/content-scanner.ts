import { once } from "node:events";
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { Parser, type ReadEntry } from "tar";
import { feedEntry, type ByteSink } from "../inspect/byte-sink.ts";
import { SNIFF_BYTES, sniffContainer, type ContainerKind } from "../inspect/container-kind.ts";
import { normalisePath } from "../inspect/layer-entry.ts";
import { openDecoder, type StreamDecoder } from "../inspect/stream-decoder.ts";
import type { Canary } from "./canary.ts";
import { ContentMatcher } from "./content-matcher.ts";

/** How far the search opens compressed and archived files inside a file. */
export interface ScanBounds {
  /** Containers inside containers: `a.tar.gz` is two. */
  readonly maxDepth: number;
  /** Bytes decompressed in all, for one search. */
  readonly maxDecodedBytes: number;
  /** Entries of archives found inside files, in all, for one search. */
  readonly maxEntries: number;
}

export const DEFAULT_BOUNDS: ScanBounds = {
  maxDepth: 6,
  maxDecodedBytes: 2 * 1024 ** 3,
  maxEntries: 200_000,
};

/** A find inside a file: the containers it was found in (outermost first) and its encodings. */
export interface ContentHit {
  readonly within: readonly string[];
  readonly encodings: readonly string[];
}

/**
 * What one search found and where it stopped short. Shared by every file of an image, so the
 * bounds hold for the whole search, not file by file.
 */
export class ScanLedger {
  readonly bounds: ScanBounds;
  decodedBytes = 0;
  entries = 0;
  /** Contents that looked like a container but did not decode: searched as they are. */
  undecodable = 0;
  /** Where a bound was reached: the rest of that content was not searched. */
  readonly limits: string[] = [];

  constructor(bounds: ScanBounds = DEFAULT_BOUNDS) {
    this.bounds = bounds;
  }

  limit(where: readonly string[], what: string): void {
    if (this.limits.length < 20) this.limits.push(`${what} at ${where.join(" › ") || "the top"}`);
  }
}

class BoundReached extends Error {}

/**
 * Searches one file's bytes for a canary in every form ContentMatcher decodes and, when the
 * bytes are a compressed or archived file (by their first bytes, whatever the name), in what it
 * holds too: gzip, zlib, bzip2, xz, zstd, zip and tar, nested, within the ledger's bounds.
 * Streaming: a write resolves when the bytes were searched, which holds the stream back.
 */
export class ContentScanner implements ByteSink {
  private readonly canary: Canary;
  private readonly ledger: ScanLedger;
  private readonly within: readonly string[];
  private readonly depth: number;
  private readonly matcher: ContentMatcher;
  private readonly hits: ContentHit[] = [];
  private head: Buffer[] | undefined = [];
  private headLength = 0;
  private inner: ByteSink | undefined;

  constructor(canary: Canary, ledger: ScanLedger, within: readonly string[] = [], depth = 0) {
    this.canary = canary;
    this.ledger = ledger;
    this.within = within;
    this.depth = depth;
    this.matcher = new ContentMatcher(canary);
  }

  write(chunk: Buffer): Promise<void> | undefined {
    this.matcher.push(chunk);
    if (this.head !== undefined) {
      this.head.push(chunk);
      this.headLength += chunk.length;
      return this.headLength >= SNIFF_BYTES ? this.open() : undefined;
    }
    return this.inner === undefined ? undefined : this.forward(chunk);
  }

  async end(): Promise<void> {
    this.matcher.end();
    if (this.head !== undefined) await this.open();
    if (this.inner !== undefined) {
      const inner = this.inner;
      this.inner = undefined;
      await this.settle(inner.end());
    }
    const found = this.matcher.found;
    if (found.length > 0) this.hits.unshift({ within: this.within, encodings: found });
  }

  /**
   * Everything found, here and in what this content holds; complete once `end` resolved. A find
   * in a tar's own bytes is left out when an entry of that tar shows the same thing.
   */
  get found(): readonly ContentHit[] {
    return this.hits.filter(
      (hit) =>
        !this.hits.some(
          (deeper) =>
            deeper.within.length > hit.within.length &&
            hit.within.every((w, i) => deeper.within[i] === w) &&
            hit.encodings.every((e) => deeper.encodings.includes(e)),
        ),
    );
  }

  private async open(): Promise<void> {
    const head = Buffer.concat(this.head ?? []);
    this.head = undefined;
    const kind = sniffContainer(head);
    if (kind === undefined) return;
    if (this.depth >= this.ledger.bounds.maxDepth) {
      this.ledger.limit(this.within, `${kind} inside ${this.depth} containers (the nesting bound)`);
      return;
    }
    this.inner = this.containerSink(kind);
    await this.forward(head);
  }

  private async forward(chunk: Buffer): Promise<void> {
    const inner = this.inner;
    if (inner === undefined) return;
    await this.settle(inner.write(chunk));
  }

  /** A container that fails to decode, or reaches a bound, is dropped; the search goes on. */
  private async settle(pending: void | Promise<void>): Promise<void> {
    try {
      await pending;
    } catch (error) {
      if (!(error instanceof BoundReached)) this.ledger.undecodable++;
      this.inner = undefined;
    }
  }

  private child(label: string): ContentScanner {
    return new ContentScanner(this.canary, this.ledger, [...this.within, label], this.depth + 1);
  }

  private collect(child: ContentScanner): void {
    this.hits.push(...child.found);
  }

  /** Counts decoded bytes against the search's bound. */
  private spend(bytes: number, kind: string): void {
    this.ledger.decodedBytes += bytes;
    if (this.ledger.decodedBytes > this.ledger.bounds.maxDecodedBytes) {
      this.ledger.limit(
        [...this.within, kind],
        `the decoded-size bound (${Math.round(this.ledger.bounds.maxDecodedBytes / 1024 ** 2)} MiB)`,
      );
      throw new BoundReached();
    }
  }

  private countEntry(kind: string, name: string): boolean {
    this.ledger.entries++;
    if (this.ledger.entries <= this.ledger.bounds.maxEntries) return true;
    if (this.ledger.entries === this.ledger.bounds.maxEntries + 1)
      this.ledger.limit(
        [...this.within, `${kind}:${name}`],
        `the archive-entry bound (${this.ledger.bounds.maxEntries})`,
      );
    return false;
  }

  /** An entry's name can carry the value too (`touch $TOKEN` inside a tarball). */
  private searchName(label: string, name: string): void {
    const encodings = ContentMatcher.find(this.canary, name);
    if (encodings.length > 0)
      this.hits.push({
        within: [...this.within, label],
        encodings: encodings.map((e) => `${e} (entry name)`),
      });
  }

  private containerSink(kind: ContainerKind): ByteSink {
    if (kind === "tar") return this.tarSink();
    if (kind === "zip") return this.zipSink();
    const child = this.child(kind);
    let opened: StreamDecoder | undefined = undefined;
    const onData = async (out: Buffer): Promise<void> => {
      try {
        this.spend(out.length, kind);
      } catch (error) {
        opened?.abort();
        throw error;
      }
      await child.write(out);
    };
    const decoder = openDecoder(kind, onData);
    opened = decoder;
    return {
      write: (chunk) => decoder.write(chunk),
      end: async () => {
        try {
          await decoder.end();
        } finally {
          // What was decoded before a failure or a bound was still searched.
          await child.end();
          this.collect(child);
        }
      },
    };
  }

  private tarSink(): ByteSink {
    const fed: Promise<void>[] = [];
    const parser = new Parser({
      strict: false,
      onReadEntry: (entry: ReadEntry) => {
        const name = normalisePath(entry.path);
        if (!this.countEntry("tar", name)) {
          entry.resume();
          return;
        }
        this.searchName(`tar:${name}`, `${name}\n${entry.linkpath ?? ""}`);
        if (entry.type !== "File" && entry.type !== "OldFile" && entry.type !== "ContiguousFile") {
          entry.resume();
          return;
        }
        const child = this.child(`tar:${name}`);
        fed.push(
          feedEntry(entry, child).then(() => {
            this.collect(child);
          }),
        );
      },
    });
    const failed = once(parser, "error");
    failed.catch(() => undefined);
    return {
      write: async (chunk) => {
        if (!parser.write(chunk)) await Promise.race([once(parser, "drain"), failed]);
      },
      end: async () => {
        const done = once(parser, "end");
        parser.end();
        await Promise.race([done, failed]);
        await Promise.all(fed);
      },
    };
  }

  private zipSink(): ByteSink {
    // fflate's streaming unzip is synchronous: its output is queued, then searched in order.
    const queue: { child: ContentScanner; data: Uint8Array; final: boolean }[] = [];
    const unzip = new Unzip((file: UnzipFile) => {
      if (!this.countEntry("zip", file.name)) return;
      this.searchName(`zip:${file.name}`, file.name);
      const child = this.child(`zip:${file.name}`);
      file.ondata = (error, data, final) => {
        if (error) this.ledger.undecodable++;
        else queue.push({ child, data, final });
      };
      try {
        file.start();
      } catch {
        // A compression method this reader lacks (only stored and deflate are common).
        this.ledger.undecodable++;
      }
    });
    unzip.register(UnzipInflate);
    const drain = async (): Promise<void> => {
      while (queue.length > 0) {
        const next = queue.shift();
        if (next === undefined) break;
        this.spend(next.data.length, "zip");
        await next.child.write(Buffer.from(next.data.buffer, next.data.byteOffset, next.data.length));
        if (next.final) {
          await next.child.end();
          this.collect(next.child);
        }
      }
    };
    return {
      write: async (chunk) => {
        // Small pushes bound what one push can inflate before it is searched.
        for (let at = 0; at < chunk.length; at += 16 * 1024) {
          unzip.push(chunk.subarray(at, at + 16 * 1024));
          await drain();
        }
      },
      end: async () => {
        unzip.push(new Uint8Array(0), true);
        await drain();
      },
    };
  }
}
