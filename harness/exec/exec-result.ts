/** What one finished process call produced. ExecError carries the same fields. */
export interface ExecResult {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly signal: string | undefined;
}
