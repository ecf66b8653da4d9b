import type { ReadEntry } from "tar";

/** Where a stream's bytes go, one chunk at a time; a returned promise holds the stream back. */
export interface ByteSink {
  write(chunk: Buffer): void | Promise<void>;
  end(): void | Promise<void>;
}

/**
 * Feeds a tar entry to a sink with backpressure: while a write is pending the entry is paused,
 * which pauses the tar parser and, through it, the stream being read.
 */
export function feedEntry(entry: ReadEntry, sink: ByteSink): Promise<void> {
  return new Promise((resolve, reject) => {
    entry.on("data", (chunk: Buffer) => {
      const pending = sink.write(chunk);
      if (pending === undefined) return;
      entry.pause();
      pending.then(() => {
        entry.resume();
      }, reject);
    });
    entry.on("end", () => {
      Promise.resolve()
        .then(() => sink.end())
        .then(resolve, reject);
    });
  });
}
