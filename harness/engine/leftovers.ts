import { readdir, readFile } from "node:fs/promises";

/**
 * Processes a grading run may leave behind if cleanup failed: daemons whose command line names
 * one of its folders (dockerd, containerd, registries). The cleanup tests use it.
 */
export async function findLeftoverProcesses(marker: string): Promise<string[]> {
  const processes: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ").trim();
    if (cmd.includes(marker)) processes.push(`${pid} ${cmd}`);
  }
  return processes;
}

/**
 * What a run's sandbox may leave in the system if its cleanup failed: its network namespace,
 * host-side link, iptables chain, cgroups and mounts (by the run's name, e.g. bkg-n12).
 */
export async function findSandboxLeftovers(name: string, workDir: string): Promise<string[]> {
  const block = name.replace(/^bkg-n/, "");
  const found: string[] = [];
  const list = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);
  if ((await list("/run/netns")).includes(name)) found.push(`network namespace ${name}`);
  if ((await list("/sys/class/net")).includes(`bkgh${block}`)) found.push(`link bkgh${block}`);
  for (const controller of await list("/sys/fs/cgroup"))
    if ((await list(`/sys/fs/cgroup/${controller}`)).includes(name))
      found.push(`cgroup ${controller}/${name}`);
  const mounts = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  for (const line of mounts.split("\n")) {
    const point = line.split(" ")[4];
    if (point?.startsWith(workDir)) found.push(`mount ${point}`);
  }
  return found;
}
