import { readFile } from "node:fs/promises";
import { exec } from "../exec/exec.ts";

/**
 * Lazily unmounts `dir` and whatever is mounted under it (an engine's overlays, netns and shm,
 * a run's data file system), innermost first.
 */
export async function unmountUnder(dir: string): Promise<void> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await exec("umount", ["-l", point], { reject: false, timeoutMs: 10_000 });
}
