import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";

/**
 * What a grading run may leave behind if cleanup failed: its daemons (found by their command
 * line naming a run folder) and its temp folders. Used by tests and by `grade --doctor`-style checks.
 */
export interface Leftovers {
  readonly processes: readonly string[];
  readonly dirs: readonly string[];
}

export async function findLeftovers(marker: string): Promise<Leftovers> {
  const processes: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
    if (cmd.includes(marker)) processes.push(`${pid} ${cmd}`);
  }
  const dirs = (await readdir(tmpdir()).catch(() => [])).filter(
    (d) => marker.includes(d) || d === marker.split("/").at(-1),
  );
  return { processes, dirs };
}
