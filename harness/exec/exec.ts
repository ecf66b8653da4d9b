import { execa } from "execa";
import type { ExecResult } from "./exec-result.ts";
import { ExecError } from "./exec-error.ts";

export interface ExecOptions {
  readonly cwd?: string;
  /** The complete environment of the child: nothing from the host leaks in unless passed. */
  readonly env?: Readonly<Record<string, string>>;
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * Called with each chunk of stderr as it arrives (progress streams). stderr is then not
   * buffered: the result's `stderr` is empty, and the caller keeps what it needs.
   */
  readonly onStderr?: (chunk: string) => void;
  /** Return a failed call as a result instead of throwing. */
  readonly reject?: boolean;
}

/** The host variables a docker CLI call may see; everything else (tokens, keys) stays out. */
const PASS_THROUGH = ["PATH", "HOME", "LANG", "TMPDIR", "DOCKER_CONFIG", "USER"] as const;

export function baseEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of PASS_THROUGH) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The one way the harness starts a process. */
export async function exec(
  file: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const command = [file, ...args].join(" ");
  const started = performance.now();
  const child = execa(file, args, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.signal !== undefined ? { cancelSignal: options.signal } : {}),
    env: options.env ?? baseEnv(),
    // A build can print gigabytes: streamed stderr is the caller's to keep (a tail), not ours.
    buffer: { stdout: true, stderr: options.onStderr === undefined },
    maxBuffer: { stdout: 64 * 1024 * 1024, stderr: 16 * 1024 * 1024 },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    // A timed-out build must not leave its children behind.
    forceKillAfterDelay: 3000,
    killSignal: "SIGTERM",
  });
  if (options.onStderr) {
    const onStderr = options.onStderr;
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      onStderr(chunk);
    });
  }
  const done = await child;
  const result: ExecResult = {
    command,
    exitCode: done.exitCode,
    stdout: done.stdout,
    stderr: done.stderr,
    durationMs: performance.now() - started,
    timedOut: done.timedOut,
    signal: done.signal,
  };
  const failed = done.failed || result.exitCode !== 0;
  if (failed && options.reject !== false) throw new ExecError(result, done.cause);
  return result;
}
