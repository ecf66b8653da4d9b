import { createHash } from "node:crypto";
import { lstat, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { GraderError } from "../errors.ts";

/** Bounds of one hashed tree: a submission or a grader folder is far smaller. */
const MAX_ENTRIES = 20_000;
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * A stable digest of a folder's regular files: their paths (sorted) and contents. Links, devices
 * and the like count by their path and kind only (the grader never follows them).
 */
export async function hashTree(
  root: string,
  options: { skip?: (name: string) => boolean } = {},
): Promise<string> {
  const hash = createHash("sha256");
  let entries = 0;
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      if (options.skip?.(name)) continue;
      if (++entries > MAX_ENTRIES)
        throw new GraderError("INVALID_SUBMISSION", `${root} holds more than ${MAX_ENTRIES} entries`);
      const path = join(dir, name);
      const stat = await lstat(path);
      const rel = relative(root, path);
      if (stat.isDirectory()) {
        hash.update(`d ${rel}\0`);
        await walk(path);
      } else if (stat.isFile()) {
        bytes += stat.size;
        if (bytes > MAX_BYTES)
          throw new GraderError("INVALID_SUBMISSION", `${root} holds more than ${MAX_BYTES} bytes`);
        hash.update(`f ${rel} ${stat.size}\0`);
        hash.update(await readFile(path));
      } else hash.update(`o ${rel}\0`);
    }
  };
  await walk(root);
  return `sha256:${hash.digest("hex")}`;
}
