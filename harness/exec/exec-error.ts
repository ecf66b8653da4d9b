import { GraderError } from "../errors.ts";
import type { ExecResult } from "./exec-result.ts";

/** A process that failed, timed out or could not start; it keeps everything a result has. */
export class ExecError extends GraderError implements ExecResult {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly signal: string | undefined;

  constructor(result: ExecResult, cause?: unknown) {
    const tail = lastLines(result.stderr || result.stdout, 5);
    const why = result.timedOut
      ? `timed out after ${Math.round(result.durationMs / 1000)}s`
      : result.exitCode === undefined
        ? `was stopped${result.signal ? ` by ${result.signal}` : ""}`
        : `exited with ${result.exitCode}`;
    super(
      result.timedOut ? "EXEC_TIMEOUT" : "EXEC_FAILED",
      `${result.command} ${why}${tail ? `: ${tail}` : ""}`,
      {
        cause,
      },
    );
    this.command = result.command;
    this.exitCode = result.exitCode;
    this.stdout = result.stdout;
    this.stderr = result.stderr;
    this.durationMs = result.durationMs;
    this.timedOut = result.timedOut;
    this.signal = result.signal;
  }
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}
