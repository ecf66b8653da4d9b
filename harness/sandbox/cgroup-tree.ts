import { waitUntil } from "../util/wait-until.ts";
import { existsSync } from "node:fs";
import { readFile, readdir, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CGROUP_ROOT } from "./cgroup-layout.ts";

/**
 * Removes a run's cgroup from every hierarchy, innermost first, killing whatever still runs in
 * it: a build step whose engine was killed (or stopped too slowly) outlives it, and a cgroup
 * with a process in it cannot be removed. On cgroup v2 there is one hierarchy, `<root>/<name>`;
 * on v1, one per controller (`<root>/<controller>/<name>`).
 */
export async function removeCgroupEverywhere(name: string, root: string = CGROUP_ROOT): Promise<void> {
  if (existsSync(join(root, "cgroup.controllers"))) {
    await removeTree(join(root, name));
    return;
  }
  for (const controller of await readdir(root).catch(() => []))
    await removeTree(join(root, controller, name));
}

async function removeTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  // v2 (Linux 5.14+) kills a whole subtree at once, forks racing the kill included.
  const kill = join(dir, "cgroup.kill");
  if (existsSync(kill)) await writeFile(kill, "1").catch(() => undefined);
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
