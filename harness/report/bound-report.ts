import type { CheckResult } from "../grading/check.ts";
import type { GradeReport, Measurement } from "../grading/grade-report.ts";
import { stripControl, truncate, workspacePath } from "./safe-text.ts";

/**
 * The schema's limits (reports/schema/grade-report.v1.schema.json), applied to a report before
 * it is written: a long log line or a hostile file name can shorten a message, never make the
 * report break its own schema (a report that fails the schema is not posted at all).
 */
const LIMITS = {
  title: 200,
  checkTitle: 300,
  message: 4000,
  file: 300,
  details: 100,
  detail: 2000,
  notes: 50,
  note: 2000,
  errorCode: 64,
  hint: 2000,
  submission: 1000,
  measurements: 100,
  measurement: 500,
  flagged: 500,
  checks: 200,
} as const;

const text = (value: string, max: number): string => truncate(stripControl(value), max);

export function boundReport(report: GradeReport): GradeReport {
  const measurements: Record<string, Measurement> = {};
  for (const [key, value] of Object.entries(report.measurements).slice(0, LIMITS.measurements))
    measurements[text(key, 100)] = typeof value === "string" ? text(value, LIMITS.measurement) : value;
  const notes = report.notes.slice(0, LIMITS.notes).map((n) => text(n, LIMITS.note));
  if (report.notes.length > LIMITS.notes)
    notes[LIMITS.notes - 1] = `… and ${report.notes.length - LIMITS.notes + 1} more notes`;
  return {
    ...report,
    title: text(report.title, LIMITS.title),
    checks: report.checks.slice(0, LIMITS.checks).map(boundCheck),
    measurements,
    notes,
    submission: text(report.submission, LIMITS.submission),
    ...(report.error
      ? {
          error: {
            code: text(report.error.code, LIMITS.errorCode),
            message: text(report.error.message, LIMITS.message),
            ...(report.error.hint ? { hint: text(report.error.hint, LIMITS.hint) } : {}),
          },
        }
      : {}),
    ...(report.flaggedEdits
      ? { flaggedEdits: report.flaggedEdits.slice(0, LIMITS.flagged).map((f) => text(f, LIMITS.flagged)) }
      : {}),
  };
}

function boundCheck(check: CheckResult): CheckResult {
  const file = check.location ? workspacePath(stripControl(check.location.file)) : undefined;
  const details = check.details?.slice(0, LIMITS.details).map((d) => text(d, LIMITS.detail));
  if (details && check.details && check.details.length > LIMITS.details)
    details[LIMITS.details - 1] = `… and ${check.details.length - LIMITS.details + 1} more lines`;
  return {
    id: check.id,
    kind: check.kind,
    status: check.status,
    points: check.points,
    maxPoints: check.maxPoints,
    title: text(check.title, LIMITS.checkTitle),
    message: text(check.message, LIMITS.message),
    ...(check.location && file && file.length <= LIMITS.file
      ? {
          location: {
            file,
            ...(check.location.line !== undefined && check.location.line >= 1
              ? { line: check.location.line }
              : {}),
            ...(check.location.endLine !== undefined && check.location.endLine >= 1
              ? { endLine: check.location.endLine }
              : {}),
          },
        }
      : {}),
    ...(details ? { details } : {}),
  };
}
