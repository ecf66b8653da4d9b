import { mkdir, statfs, open } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { removeCgroupEverywhere } from "./cgroup-tree.ts";
import { detectCgroupLayout, type CgroupLayout } from "./cgroup-layout.ts";
import { createRunCgroup, type CgroupReadings, type RunCgroup } from "./run-cgroup.ts";

/** What one grading run may use. Each can be set with a GRADER_LIMIT_* variable. */
export interface LimitSettings {
  readonly memoryBytes: number;
  readonly pids: number;
  readonly diskBytes: number;
}

const GIB = 1024 ** 3;
export const DEFAULT_LIMITS: LimitSettings = { memoryBytes: 4 * GIB, pids: 4096, diskBytes: 20 * GIB };

/** Reads GRADER_LIMIT_MEMORY_MIB, GRADER_LIMIT_PIDS and GRADER_LIMIT_DISK_GIB (pure). */
export function limitsFromEnv(env: Readonly<Record<string, string | undefined>>): LimitSettings {
  const number = (name: string, fallback: number, min: number): number => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min)
      throw new GraderError("INVALID_SUBMISSION", `${name}=${text} is not a number of at least ${min}`, {
        hint: `Unset ${name} to use the default, or give a whole number`,
      });
    return value;
  };
  return {
    memoryBytes: number("GRADER_LIMIT_MEMORY_MIB", DEFAULT_LIMITS.memoryBytes / 1024 ** 2, 64) * 1024 ** 2,
    pids: number("GRADER_LIMIT_PIDS", DEFAULT_LIMITS.pids, 64),
    diskBytes: number("GRADER_LIMIT_DISK_GIB", DEFAULT_LIMITS.diskBytes / GIB, 1) * GIB,
  };
}

/**
 * Limits of one run, enforced by the kernel: a cgroup (memory and pids, on cgroup v1 or v2)
 * that the run's engine puts every build step and container under (dockerd's cgroup-parent),
 * and an ext4 file system of fixed size, mounted from a sparse file, as the engine's data root.
 */
export interface RunLimits {
  readonly settings: LimitSettings;
  /** For dockerd's `cgroup-parent`. */
  readonly cgroupParent: string;
  /** The engine's data root: a file system of `diskBytes`. */
  readonly dataRoot: string;
  /**
   * The limits a failed build reached, in words for the learner ("memory (4 GiB)"), from the
   * run's peaks and `output`, the failed step's error and log.
   */
  breaches(output?: string): Promise<string[]>;
  /** Peak use so far, for the report's figures. */
  usage(): Promise<{ memoryPeakBytes: number; pidsPeak: number; diskUsedBytes: number }>;
  dispose(): Promise<void>;
}

export async function applyRunLimits(
  name: string,
  workDir: string,
  settings: LimitSettings,
  layout: CgroupLayout = detectCgroupLayout(),
): Promise<RunLimits> {
  const image = join(workDir, "disk.img");
  const dataRoot = join(workDir, "data");
  let mounted = false;
  const dispose = registerDisposer(`limits ${name}`, async () => {
    if (mounted) await exec("umount", ["-l", dataRoot], { reject: false, timeoutMs: 30_000 });
    // dockerd makes the cgroup in every hierarchy; remove them all, and what still runs in them.
    await removeCgroupEverywhere(name, layout.root);
  });
  fallback(dispose, [{ unmountUnder: dataRoot }, { cgroup: name }]);
  let cgroup: RunCgroup;
  try {
    cgroup = await createRunCgroup(layout, name, settings);
    await makeDataDisk(image, dataRoot, settings.diskBytes);
    mounted = true;
  } catch (error) {
    await dispose();
    if (error instanceof GraderError) throw error;
    throw new GraderError("ENGINE_START_FAILED", `could not set the run's limits: ${String(error)}`, {
      cause: error,
    });
  }
  const disk = async (): Promise<{ used: number; free: number } | undefined> => {
    const fs = await statfs(dataRoot).catch(() => undefined);
    return fs && { used: (fs.blocks - fs.bfree) * fs.bsize, free: fs.bavail * fs.bsize };
  };
  return {
    settings,
    cgroupParent: cgroup.parent,
    dataRoot,
    async breaches(output = "") {
      const d = await disk();
      return judgeBreaches(await cgroup.read(), d?.free, output, settings);
    },
    async usage() {
      const readings = await cgroup.read();
      return {
        memoryPeakBytes: readings.memoryPeakBytes,
        pidsPeak: readings.pidsPeak,
        diskUsedBytes: (await disk())?.used ?? 0,
      };
    },
    dispose,
  };
}

/**
 * A sparse file formatted ext4 and loop-mounted: it lives as long as the run and is thrown away
 * after it, even after a crash, so no journal, no flush barriers and no access times. The
 * engine's databases sync after every change, and on a loop device each sync would reach the
 * machine's own disk.
 */
async function makeDataDisk(image: string, dataRoot: string, bytes: number): Promise<void> {
  const handle = await open(image, "w");
  await handle.truncate(bytes);
  await handle.close();
  await exec("mkfs.ext4", ["-q", "-F", "-m", "0", "-O", "^has_journal", "-E", "lazy_itable_init=1", image], {
    timeoutMs: 60_000,
  });
  await mkdir(dataRoot);
  await exec("mount", ["-o", "loop,noatime,nobarrier", image, dataRoot], { timeoutMs: 30_000 });
}

/**
 * Which limits a failed build reached (pure). The failed step's own cgroup is gone by now:
 * what remains is the run's counts (v2: kills and refused forks; v1: peaks at the limit) and the
 * way the step died, which must agree, so a step that failed for its own reasons in a run that
 * once came near a limit is not blamed on it.
 */
export function judgeBreaches(
  readings: CgroupReadings,
  diskFreeBytes: number | undefined,
  output: string,
  settings: LimitSettings,
): string[] {
  const found: string[] = [];
  const memoryHit =
    readings.oomKills !== undefined
      ? readings.oomKills > 0
      : readings.memoryPeakBytes >= settings.memoryBytes * 0.98;
  if (memoryHit && /exit code: 137|\bKilled\b|out of memory/i.test(output))
    found.push(`memory (${formatLimit(settings.memoryBytes)})`);
  const pidsHit =
    (readings.forksRefused !== undefined && readings.forksRefused > 0) || readings.pidsPeak >= settings.pids;
  if (pidsHit && /can't fork|fork failed|Resource temporarily unavailable|EAGAIN/i.test(output))
    found.push(`processes (${settings.pids})`);
  const nearlyFull =
    diskFreeBytes !== undefined && diskFreeBytes < Math.min(64 * 1024 ** 2, settings.diskBytes * 0.01);
  if (nearlyFull || /no space left on device/i.test(output))
    found.push(`disk (${formatLimit(settings.diskBytes)})`);
  return found;
}

/** In binary units, as the limits are set (GRADER_LIMIT_MEMORY_MIB, ..._DISK_GIB). */
export function formatLimit(bytes: number): string {
  if (bytes >= GIB) return `${+(bytes / GIB).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}
