import { waitUntil } from "../util/wait-until.ts";
import { readFile, readdir, rmdir } from "node:fs/promises";
import { join } from "node:path";

const CGROUP_ROOT = "/sys/fs/cgroup";

/**
 * Removes a run's cgroup from every hierarchy, innermost first, killing whatever still runs in
 * it: a build step whose engine was killed (or stopped too slowly) outlives it, and a cgroup
 * with a process in it cannot be removed.
 */
export async function removeCgroupEverywhere(name: string): Promise<void> {
  for (const controller of await readdir(CGROUP_ROOT).catch(() => []))
    await removeTree(join(CGROUP_ROOT, controller, name));
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeTree(join(dir, e.name));
  // Killed processes leave the cgroup a moment later: kill what is left and retry the rmdir.
  await waitUntil(
    async () => {
      const procs = (await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => ""))
        .split("\n")
        .filter(Boolean);
      for (const pid of procs) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // already gone
        }
      }
      return rmdir(dir).then(
        () => true,
        () => false,
      );
    },
    { timeoutMs: 5000, intervalMs: 100 },
  );
}
