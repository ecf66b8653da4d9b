/** One entry of a layer tarball, as the scanners see it. */
export interface LayerEntry {
  /** Path without a leading "./" or "/". */
  readonly path: string;
  readonly type: "file" | "directory" | "symlink" | "hardlink" | "other";
  readonly size: number;
  readonly mode: number;
  readonly linkpath: string | undefined;
  /** Set on `.wh.` entries: the layer deletes `target` (or, opaque, everything under it). */
  readonly whiteout: { readonly target: string; readonly opaque: boolean } | undefined;
}

export function whiteoutOf(path: string): LayerEntry["whiteout"] {
  const slash = path.lastIndexOf("/");
  const dir = slash >= 0 ? path.slice(0, slash + 1) : "";
  const base = path.slice(slash + 1);
  if (base === ".wh..wh..opq") return { target: dir.replace(/\/$/, ""), opaque: true };
  if (base.startsWith(".wh.")) return { target: dir + base.slice(4), opaque: false };
  return undefined;
}

export function normalisePath(path: string): string {
  return path.replace(/^\.?\/+/, "").replace(/\/+$/, "");
}
