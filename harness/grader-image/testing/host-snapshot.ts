import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { exec } from "../../exec/exec.ts";

/**
 * What a grading may leave on a machine and its Docker engine, listed so that two snapshots
 * (before, after) show what stayed: the engine's containers, volumes, networks and images, and
 * on the machine itself the runs' cgroups, links, iptables chains and mounts.
 */
export interface HostSnapshot {
  readonly containers: readonly string[];
  readonly volumes: readonly string[];
  readonly networks: readonly string[];
  readonly images: readonly string[];
  readonly machine: readonly string[];
}

export async function hostSnapshot(env: Readonly<Record<string, string>>): Promise<HostSnapshot> {
  const list = async (args: readonly string[]): Promise<string[]> =>
    (await exec("docker", args, { env, timeoutMs: 30_000 })).stdout.split("\n").filter(Boolean).sort();
  return {
    containers: await list(["ps", "-a", "--format", "{{.Names}} {{.Image}}"]),
    volumes: await list(["volume", "ls", "--format", "{{.Name}}"]),
    networks: await list(["network", "ls", "--format", "{{.Name}}"]),
    images: await list(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]),
    machine: await machineLeftovers(),
  };
}

/**
 * Whether a machine entry belongs to a run on this machine's own engine still going on: such a
 * run's namespace is in this machine's /run/netns, and it goes last when the run ends (a run in
 * the grader image keeps its namespaces in the container's /run/netns, so its leftovers never
 * pass as a live host run's).
 */
export function heldByLiveHostRun(entry: string, liveDirs: ReadonlySet<string>): boolean {
  // A host run's mounts sit under its own /tmp/bkg-* folder, named on its engine's command line.
  const dir = /^mount (\/tmp\/bkg-[^/]+)/.exec(entry)?.[1];
  if (dir !== undefined) return liveDirs.has(dir);
  const block = /bkg[hn](\d+)|BKG-(\d+)|bkg-n(\d+)/.exec(entry);
  const number = block?.[1] ?? block?.[2] ?? block?.[3];
  return number !== undefined && existsSync(`/run/netns/bkg-n${number}`);
}

/** The /tmp/bkg-* folders that a live process on this machine names in its arguments. */
export async function liveRunDirs(): Promise<Set<string>> {
  const dirs = new Set<string>();
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const args = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    for (const match of args.matchAll(/\/tmp\/bkg-[A-Za-z0-9]+/g)) dirs.add(match[0]);
  }
  return dirs;
}

/** What is in `after` and not in `before`, per kind. */
export function added(before: HostSnapshot, after: HostSnapshot): Record<keyof HostSnapshot, string[]> {
  const diff = (a: readonly string[], b: readonly string[]) => b.filter((x) => !a.includes(x));
  return {
    containers: diff(before.containers, after.containers),
    volumes: diff(before.volumes, after.volumes),
    networks: diff(before.networks, after.networks),
    images: diff(before.images, after.images),
    machine: diff(before.machine, after.machine),
  };
}

async function machineLeftovers(): Promise<string[]> {
  const found: string[] = [];
  const list = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);
  for (const controller of await list("/sys/fs/cgroup"))
    for (const entry of await list(`/sys/fs/cgroup/${controller}`))
      if (entry.startsWith("bkg-")) found.push(`cgroup ${controller}/${entry}`);
  for (const link of await list("/sys/class/net")) if (link.startsWith("bkg")) found.push(`link ${link}`);
  const rules = await exec("iptables", ["-w", "-S"], { reject: false, timeoutMs: 10_000 });
  for (const line of rules.stdout.split("\n")) if (/BKG-|bkgh/.test(line)) found.push(`iptables ${line}`);
  const mounts = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  for (const line of mounts.split("\n")) {
    const point = line.split(" ")[4] ?? "";
    if (/\/bkg-|\/submission-/.test(point)) found.push(`mount ${point}`);
  }
  return found.sort();
}
