import type { CheckResult } from "./check.ts";

export const REPORT_SCHEMA_VERSION = 1;

/**
 * `passed`: every check passed. `failed`: some check failed. `not-attempted`: the learner's
 * files are still as handed out. `error`: grading itself could not be done (see `error`).
 */
export type ReportStatus = "passed" | "failed" | "not-attempted" | "error";

export type Measurement = number | string | boolean;

export interface GradeReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly exercise: string;
  readonly title: string;
  readonly status: ReportStatus;
  readonly score: number;
  readonly maxScore: number;
  readonly checks: readonly CheckResult[];
  /** Figures measured on the builds (durations in ms, sizes in bytes). */
  readonly measurements: Readonly<Record<string, Measurement>>;
  /** Things the learner or instructor should know that are not checks (e.g. frontend used). */
  readonly notes: readonly string[];
  readonly error?: { readonly code: string; readonly message: string; readonly hint?: string };
  readonly submission: string;
  readonly environment: { readonly driver: string; readonly setupMs: number } | undefined;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The grader that produced the report, by content (grader-fingerprint.ts). */
  readonly grader?: string;
  /** Files a pull request changed outside the learner's paths: not used for grading. */
  readonly flaggedEdits?: readonly string[];
}

export function summarise(checks: readonly CheckResult[]): {
  score: number;
  maxScore: number;
  status: ReportStatus;
} {
  const score = checks.reduce((sum, c) => sum + c.points, 0);
  const maxScore = checks.reduce((sum, c) => sum + c.maxPoints, 0);
  const status: ReportStatus = checks.some((c) => c.status === "error")
    ? "error"
    : checks.every((c) => c.status === "passed")
      ? "passed"
      : "failed";
  return { score, maxScore, status };
}
