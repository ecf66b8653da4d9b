import { posix } from "node:path";
import type { LayerEntry } from "./layer-entry.ts";

/** A file as it stands in the image after every layer is applied. */
export interface FileRecord {
  readonly path: string;
  readonly type: LayerEntry["type"];
  readonly size: number;
  readonly mode: number;
  readonly linkpath: string | undefined;
  /** Index of the layer that last wrote it. */
  readonly layer: number;
  /** The first bytes of a regular file, when they were captured. */
  readonly head: Buffer | undefined;
}

/**
 * The union filesystem of an image, built layer by layer with OCI whiteout rules: `.wh.name`
 * deletes `name` (and what is under it) from lower layers; `.wh..wh..opq` empties a directory of
 * lower-layer content. Pure: feed it entries in layer order.
 */
export class ImageFilesystem {
  private readonly files = new Map<string, FileRecord>();

  /** Applies one entry of layer `layer`. Whiteouts must come before same-layer additions, as in a real layer. */
  apply(entry: LayerEntry, layer: number, head?: Buffer): void {
    if (entry.whiteout) {
      const target = entry.whiteout.target;
      for (const path of [...this.files.keys()]) {
        const below = path.startsWith(`${target}/`);
        const lower = (this.files.get(path)?.layer ?? layer) < layer;
        if (entry.whiteout.opaque ? below && lower : (path === target || below) && lower)
          this.files.delete(path);
      }
      return;
    }
    this.files.set(entry.path, {
      path: entry.path,
      type: entry.type,
      size: entry.size,
      mode: entry.mode,
      linkpath: entry.linkpath,
      layer,
      head,
    });
  }

  get(path: string): FileRecord | undefined {
    return this.files.get(normalise(path));
  }

  all(): FileRecord[] {
    return [...this.files.values()];
  }

  /** Follows symbolic links (relative or absolute) and hard links to the file that holds the bytes. */
  resolve(path: string, hops = 0): FileRecord | undefined {
    if (hops > 16) return undefined;
    const record = this.get(path);
    if (!record) {
      // A directory on the way may itself be a symlink (e.g. /bin -> usr/bin).
      const parts = normalise(path).split("/");
      for (let i = parts.length - 1; i > 0; i--) {
        const parent = this.files.get(parts.slice(0, i).join("/"));
        if (parent?.type === "symlink" && parent.linkpath !== undefined) {
          const base = parent.linkpath.startsWith("/")
            ? parent.linkpath
            : posix.join(posix.dirname(parent.path), parent.linkpath);
          return this.resolve(posix.join(base, ...parts.slice(i)), hops + 1);
        }
      }
      return undefined;
    }
    if (record.type === "symlink" && record.linkpath !== undefined) {
      const target = record.linkpath.startsWith("/")
        ? record.linkpath
        : posix.join(posix.dirname(record.path), record.linkpath);
      return this.resolve(target, hops + 1);
    }
    if (record.type === "hardlink" && record.linkpath !== undefined)
      return this.resolve(record.linkpath, hops + 1);
    return record;
  }

  /** Finds a command the way a shell would: absolute, relative to `workdir`, or on PATH. */
  which(command: string, pathVariable: string, workdir = "/"): FileRecord | undefined {
    if (command.includes("/"))
      return this.resolve(command.startsWith("/") ? command : posix.join(workdir, command));
    for (const dir of pathVariable.split(":").filter(Boolean)) {
      const found = this.resolve(posix.join(dir, command));
      if (found?.type === "file") return found;
    }
    return undefined;
  }
}

function normalise(path: string): string {
  return posix.normalize(`/${path}`).replace(/^\/+/, "").replace(/\/+$/, "");
}
