import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { GraderError } from "../errors.ts";
import { zstdStream } from "./stream-decoder.ts";
import { feedEntry, type ByteSink } from "./byte-sink.ts";
import { normalisePath, whiteoutOf, type LayerEntry } from "./layer-entry.ts";

/**
 * What to do with each entry: return a sink to receive the file's bytes as they stream past
 * (a function, or a ByteSink that may hold the stream back), or undefined to skip them.
 * Nothing is ever written to disk.
 */
export type EntryVisitor = (entry: LayerEntry) => ((chunk: Buffer) => void) | ByteSink | undefined;

export interface ScanSummary {
  readonly entries: number;
  readonly bytes: number;
  /** Malformed or odd tar records the parser skipped; the scan itself went on. */
  readonly warnings: readonly string[];
}

export type Compression = "gzip" | "zstd" | "none";

/** From a layer's media type (`...tar+gzip`, `...tar+zstd`, `...tar`, Docker's `rootfs.diff.tar.gzip`). */
export function compressionOf(mediaType: string): Compression {
  if (/zstd/.test(mediaType)) return "zstd";
  if (/gzip/.test(mediaType)) return "gzip";
  return "none";
}

export async function scanLayer(
  stream: Readable,
  compression: Compression,
  visit: EntryVisitor,
): Promise<ScanSummary> {
  let entries = 0;
  let bytes = 0;
  const warnings: string[] = [];
  const fed: Promise<void>[] = [];
  const parser = new Parser({
    strict: false,
    onwarn: (code: string, message: string | Error) => {
      warnings.push(`${code}: ${message instanceof Error ? message.message : message}`);
    },
    onReadEntry: (entry: ReadEntry) => {
      entries++;
      const path = normalisePath(entry.path);
      const layerEntry: LayerEntry = {
        path,
        type: typeOf(entry.type),
        size: entry.size,
        mode: entry.mode ?? 0,
        linkpath: entry.linkpath,
        whiteout: whiteoutOf(path),
      };
      bytes += entry.size;
      const sink = visit(layerEntry);
      if (typeof sink === "function")
        entry.on("data", (chunk: Buffer) => {
          sink(chunk);
        });
      else if (sink) fed.push(feedEntry(entry, sink));
      else entry.resume();
    },
  });
  const stages: NodeJS.ReadWriteStream[] = [];
  if (compression === "gzip") stages.push(createGunzip());
  if (compression === "zstd") stages.push(zstdStream());
  try {
    await pipeline([stream, ...stages, parser]);
    await Promise.all(fed);
  } catch (error) {
    throw new GraderError(
      "LAYER_READ_FAILED",
      `could not read the layer (${compression}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return { entries, bytes, warnings };
}

function typeOf(type: string): LayerEntry["type"] {
  switch (type) {
    case "File":
    case "OldFile":
    case "ContiguousFile":
      return "file";
    case "Directory":
      return "directory";
    case "SymbolicLink":
      return "symlink";
    case "Link":
      return "hardlink";
    default:
      return "other";
  }
}
