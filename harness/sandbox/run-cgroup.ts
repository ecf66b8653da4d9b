import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GraderError } from "../errors.ts";
import type { CgroupLayout } from "./cgroup-layout.ts";

/** What the kernel counted in a run's cgroup, for the limits a failed build may have reached. */
export interface CgroupReadings {
  readonly memoryPeakBytes: number;
  readonly pidsPeak: number;
  /** Processes the memory limit killed (v2 `memory.events`); undefined where not counted (v1). */
  readonly oomKills: number | undefined;
  /** Forks the process limit refused (v2 `pids.events`); undefined where not counted (v1). */
  readonly forksRefused: number | undefined;
}

/** A run's cgroup: the parent of everything its engine starts (dockerd's `cgroup-parent`). */
export interface RunCgroup {
  /** For dockerd's `cgroup-parent` (cgroupfs driver): the path from the hierarchy's root. */
  readonly parent: string;
  read(): Promise<CgroupReadings>;
}

export interface CgroupLimits {
  readonly memoryBytes: number;
  readonly pids: number;
}

/**
 * Makes the cgroup `name` with the run's limits, in whichever layout the machine has. The
 * caller removes it (cgroup-tree.ts), also when this throws half-way.
 */
export async function createRunCgroup(
  layout: CgroupLayout,
  name: string,
  limits: CgroupLimits,
): Promise<RunCgroup> {
  if (layout.kind === "none")
    throw new GraderError("ENGINE_START_FAILED", `per-run limits need cgroups: ${layout.why}`, {
      hint: "Grade inside the grader image (npm test does this by itself where a Docker engine answers), or on a Linux host with cgroup v1 or v2 mounted at /sys/fs/cgroup",
    });
  return layout.kind === "v1" ? createV1(layout.root, name, limits) : createV2(layout.root, name, limits);
}

async function createV1(root: string, name: string, limits: CgroupLimits): Promise<RunCgroup> {
  const memory = join(root, "memory", name);
  const pids = join(root, "pids", name);
  await mkdir(memory);
  await mkdir(pids);
  await writeFile(join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
  // No swap either, where the kernel accounts swap (memory and swap together).
  await writeFile(join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes)).catch(
    () => undefined,
  );
  await writeFile(join(pids, "pids.max"), String(limits.pids));
  return {
    parent: `/${name}`,
    read: async () => ({
      memoryPeakBytes: await readNumber(join(memory, "memory.max_usage_in_bytes")),
      pidsPeak: await readNumber(join(pids, "pids.peak")),
      oomKills: undefined,
      forksRefused: undefined,
    }),
  };
}

/**
 * On v2 a child gets a controller only when its parent lists it in `cgroup.subtree_control`,
 * and a cgroup that holds processes cannot list any (the root of the hierarchy excepted). At a
 * host's root that always works; at a container's root (its own cgroup namespace) the
 * container's processes must first move to a leaf, which the grader image's entrypoint does.
 */
async function createV2(root: string, name: string, limits: CgroupLimits): Promise<RunCgroup> {
  await enableControllers(root);
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(join(dir, "memory.max"), String(limits.memoryBytes));
  // Absent where the kernel has no swap accounting: then there is no swap to limit.
  await writeFile(join(dir, "memory.swap.max"), "0").catch(() => undefined);
  await writeFile(join(dir, "pids.max"), String(limits.pids));
  // The engine's containers and build steps are cgroups below this one: they need the controllers too.
  await enableControllers(dir);
  return {
    parent: `/${name}`,
    read: async () => ({
      // memory.peak and pids.peak are newer than v2 itself (Linux 5.19, 6.1): 0 where absent.
      memoryPeakBytes: await readNumber(join(dir, "memory.peak")),
      pidsPeak: await readNumber(join(dir, "pids.peak")),
      oomKills: parseKeyed(await readText(join(dir, "memory.events")), "oom_kill"),
      forksRefused: parseKeyed(await readText(join(dir, "pids.events")), "max"),
    }),
  };
}

async function enableControllers(dir: string): Promise<void> {
  const enabled = (await readText(join(dir, "cgroup.subtree_control"))).split(/\s+/);
  const wanted = ["memory", "pids"].filter((c) => !enabled.includes(c));
  if (wanted.length === 0) return;
  try {
    await writeFile(join(dir, "cgroup.subtree_control"), wanted.map((c) => `+${c}`).join(" "));
  } catch (error) {
    throw new GraderError(
      "ENGINE_START_FAILED",
      `cannot enable the ${wanted.join(" and ")} controller for the run's cgroups under ${dir} (${String(error)})`,
      {
        cause: error,
        hint: "On cgroup v2 the grader's own cgroup must hold no processes: inside a container, move them to a child cgroup first (the grader image's entrypoint does), or grade through the grader image",
      },
    );
  }
}

/** The value of `key` in a flat-keyed cgroup file (`memory.events`, `pids.events`), if there (pure). */
export function parseKeyed(text: string, key: string): number | undefined {
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === key && v !== undefined && /^\d+$/.test(v)) return Number(v);
  }
  return undefined;
}

async function readText(file: string): Promise<string> {
  return readFile(file, "utf8").catch(() => "");
}

async function readNumber(file: string): Promise<number> {
  return Number((await readText(file)).trim()) || 0;
}
