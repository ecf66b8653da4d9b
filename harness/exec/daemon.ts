import { execa } from "execa";
import { GraderError } from "../errors.ts";

/** A long-running child (dockerd, a registry) started in its own process group. */
export interface Daemon {
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<number | undefined>;
  hasExited(): boolean;
  /** SIGTERM to the group, then SIGKILL after `graceMs`. Resolves when the leader is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnDaemon(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; logFile: string; cwd?: string },
): Daemon {
  const child = execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd ?? "/",
    detached: true,
    stdin: "ignore",
    stdout: { file: options.logFile, append: true },
    stderr: { file: options.logFile, append: true },
    reject: false,
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new GraderError("ENGINE_START_FAILED", `could not start ${file}; see ${options.logFile}`);
  let done = false;
  const exited = child.then((r) => {
    done = true;
    return r.exitCode;
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  return {
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    async stop(graceMs = 15_000) {
      if (done) return;
      signalGroup("SIGTERM");
      const timer = new Promise<"timeout">((resolve) =>
        setTimeout(() => {
          resolve("timeout");
        }, graceMs).unref(),
      );
      if ((await Promise.race([exited, timer])) === "timeout") {
        signalGroup("SIGKILL");
        await exited;
      }
    },
  };
}

/** Signals a process by pid, if it still runs (a daemon's own children outside its group); whether it was there. */
export function killPid(pid: number, signal: NodeJS.Signals = "SIGKILL"): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a process in a session of its own, which this one does not wait for and which may outlive it (the reaper). */
export function spawnDetached(
  file: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd: string },
): void {
  const child = execa(file, args, {
    env: options.env,
    extendEnv: false,
    cwd: options.cwd,
    detached: true,
    stdio: "ignore",
    reject: false,
  });
  child.unref();
}
