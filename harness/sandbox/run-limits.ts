import { existsSync } from "node:fs";
import { mkdir, readFile, statfs, writeFile, open } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { removeCgroupEverywhere } from "./cgroup-tree.ts";

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
 * Limits of one run, enforced by the kernel: a cgroup (v1 memory and pids controllers) that
 * the run's engine puts every build step and container under (dockerd's cgroup-parent), and
 * an ext4 file system of fixed size, mounted from a sparse file, as the engine's data root.
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

const CGROUP_ROOT = "/sys/fs/cgroup";

export function cgroupV1Available(): boolean {
  return (
    existsSync(join(CGROUP_ROOT, "memory/memory.limit_in_bytes")) && existsSync(join(CGROUP_ROOT, "pids"))
  );
}

export async function applyRunLimits(
  name: string,
  workDir: string,
  settings: LimitSettings,
): Promise<RunLimits> {
  if (!cgroupV1Available())
    throw new GraderError(
      "ENGINE_START_FAILED",
      "per-run limits need the cgroup v1 memory and pids controllers",
      {
        hint: "Grade on a host with cgroup v1 (as the project's machines), or use GRADER_DRIVER=docker-container",
      },
    );
  const memory = join(CGROUP_ROOT, "memory", name);
  const pids = join(CGROUP_ROOT, "pids", name);
  const image = join(workDir, "disk.img");
  const dataRoot = join(workDir, "data");
  let mounted = false;
  const dispose = registerDisposer(`limits ${name}`, async () => {
    if (mounted) await exec("umount", ["-l", dataRoot], { reject: false, timeoutMs: 30_000 });
    // dockerd makes the cgroup in every hierarchy; remove them all, and what still runs in them.
    await removeCgroupEverywhere(name);
  });
  fallback(dispose, [{ unmountUnder: dataRoot }, { cgroup: name }]);
  try {
    await mkdir(memory);
    await mkdir(pids);
    await writeFile(join(memory, "memory.limit_in_bytes"), String(settings.memoryBytes));
    // No swap either: the limit is on memory and swap together where the kernel accounts swap.
    await writeFile(join(memory, "memory.memsw.limit_in_bytes"), String(settings.memoryBytes)).catch(
      () => undefined,
    );
    await writeFile(join(pids, "pids.max"), String(settings.pids));
    const handle = await open(image, "w");
    await handle.truncate(settings.diskBytes);
    await handle.close();
    // The disk lives as long as the run and is thrown away after it, even after a crash: no
    // journal, no flush barriers and no access times. The engine's databases sync after every
    // change, and on a loop device each sync would reach the machine's own disk.
    await exec(
      "mkfs.ext4",
      ["-q", "-F", "-m", "0", "-O", "^has_journal", "-E", "lazy_itable_init=1", image],
      {
        timeoutMs: 60_000,
      },
    );
    await mkdir(dataRoot);
    await exec("mount", ["-o", "loop,noatime,nobarrier", image, dataRoot], { timeoutMs: 30_000 });
    mounted = true;
  } catch (error) {
    await dispose();
    throw new GraderError("ENGINE_START_FAILED", `could not set the run's limits: ${String(error)}`, {
      cause: error,
    });
  }
  const read = async (file: string): Promise<string> => readFile(file, "utf8").catch(() => "");
  return {
    settings,
    cgroupParent: `/${name}`,
    dataRoot,
    async breaches(output = "") {
      const found: string[] = [];
      // The step's own cgroup, where the kernel counts its failures, is gone once it failed:
      // what remains is the run's peak at its limit, and the way the step died.
      const memoryPeak = Number(await read(join(memory, "memory.max_usage_in_bytes"))) || 0;
      if (
        memoryPeak >= settings.memoryBytes * 0.98 &&
        /exit code: 137|\bKilled\b|out of memory/i.test(output)
      )
        found.push(`memory (${formatLimit(settings.memoryBytes)})`);
      const pidsPeak = Number(await read(join(pids, "pids.peak"))) || 0;
      if (
        pidsPeak >= settings.pids &&
        /can't fork|fork failed|Resource temporarily unavailable|EAGAIN/i.test(output)
      )
        found.push(`processes (${settings.pids})`);
      const fs = await statfs(dataRoot).catch(() => undefined);
      const nearlyFull =
        fs !== undefined && fs.bavail * fs.bsize < Math.min(64 * 1024 ** 2, settings.diskBytes * 0.01);
      if (nearlyFull || /no space left on device/i.test(output))
        found.push(`disk (${formatLimit(settings.diskBytes)})`);
      return found;
    },
    async usage() {
      const fs = await statfs(dataRoot).catch(() => undefined);
      return {
        memoryPeakBytes: Number(await read(join(memory, "memory.max_usage_in_bytes"))) || 0,
        pidsPeak: Number(await read(join(pids, "pids.peak"))) || 0,
        diskUsedBytes: fs ? (fs.blocks - fs.bfree) * fs.bsize : 0,
      };
    },
    dispose,
  };
}

/** In binary units, as the limits are set (GRADER_LIMIT_MEMORY_MIB, ..._DISK_GIB). */
export function formatLimit(bytes: number): string {
  if (bytes >= GIB) return `${+(bytes / GIB).toFixed(1)} GiB`;
  return `${Math.round(bytes / 1024 ** 2)} MiB`;
}
