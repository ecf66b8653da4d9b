import { once } from "node:events";
import { PassThrough, Readable, Transform, type Duplex, type Writable } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import unbzip2 from "unbzip2-stream";
import xz from "xz-decompress";
import { Decompress } from "fzstd";

export type CompressionKind = "gzip" | "zlib" | "bzip2" | "xz" | "zstd";

/** A streaming decompressor: each write is awaited (backpressure); output goes to `onData` in order. */
export interface StreamDecoder {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  abort(): void;
}

export function openDecoder(kind: CompressionKind, onData: (chunk: Buffer) => Promise<void>): StreamDecoder {
  const [input, output] = streamsFor(kind);
  return fromStreams(input, output, onData);
}

function streamsFor(kind: CompressionKind): [Writable, Readable] {
  const both = (duplex: Duplex): [Writable, Readable] => [duplex, duplex];
  switch (kind) {
    case "gzip":
      return both(createGunzip());
    case "zlib":
      return both(createInflate());
    case "zstd":
      return both(zstdStream());
    case "bzip2":
      return both(bzip2Stream());
    case "xz": {
      const input = new PassThrough();
      return [input, Readable.fromWeb(new xz.XzReadableStream(Readable.toWeb(input)))];
    }
  }
}

function fromStreams(
  input: Writable,
  output: Readable,
  onData: (chunk: Buffer) => Promise<void>,
): StreamDecoder {
  const pump = (async () => {
    for await (const chunk of output) await onData(toBuffer(chunk));
  })();
  // Observed by write and end; never an unhandled rejection.
  pump.catch(() => undefined);
  return {
    async write(chunk) {
      if (input.destroyed || output.destroyed) return pump;
      if (!input.write(chunk)) await Promise.race([once(input, "drain"), pump]);
    },
    async end() {
      if (!input.destroyed) input.end();
      await pump;
    },
    abort() {
      input.destroy();
      output.destroy();
    },
  };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}

/** zstd frames decoded in JS (Node 20's zlib has no zstd), streaming. */
export function zstdStream(): Transform {
  let push: (chunk: Buffer) => void = () => undefined;
  const decoder = new Decompress((chunk) => {
    push(Buffer.from(chunk));
  });
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      push = (c) => this.push(c);
      try {
        decoder.push(chunk);
        callback();
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    },
    flush(callback) {
      push = (c) => this.push(c);
      try {
        decoder.push(new Uint8Array(0), true);
        callback();
      } catch (error) {
        callback(error instanceof Error ? error : new Error(String(error)));
      }
    },
  });
}

/** unbzip2-stream is a classic through stream that emits synchronously: wrapped as a Transform. */
function bzip2Stream(): Transform {
  const bz = unbzip2();
  let failure: Error | undefined;
  let push: (chunk: Buffer) => void = () => undefined;
  bz.on("data", (chunk: Buffer) => {
    push(chunk);
  });
  bz.on("error", (error: Error) => {
    failure = error;
  });
  const run = (step: () => void, callback: (error?: Error) => void): void => {
    try {
      step();
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
    callback(failure);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      push = (c) => this.push(c);
      run(() => bz.write(chunk), callback);
    },
    flush(callback) {
      push = (c) => this.push(c);
      run(() => bz.end(), callback);
    },
  });
}
