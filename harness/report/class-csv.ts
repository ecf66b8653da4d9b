import type { GradeReport } from "../grading/grade-report.ts";

/**
 * The class as CSV for a gradebook (pure): one row per learner with the status, the score, the
 * maximum and the points of each check. Learner text never starts a formula in a spreadsheet.
 */
export function renderClassCsv(
  entries: readonly { readonly learner: string; readonly report: GradeReport }[],
): string {
  const ids: string[] = [];
  for (const { report } of entries)
    for (const check of report.checks) if (!ids.includes(check.id)) ids.push(check.id);
  const rows = [["learner", "status", "score", "max", ...ids]];
  for (const { learner, report } of entries) {
    const points = new Map(report.checks.map((c) => [c.id, c.points]));
    const graded = report.status !== "error";
    rows.push([
      learner,
      report.status,
      graded ? String(report.score) : "",
      String(report.maxScore),
      ...ids.map((id) => (graded && points.has(id) ? String(points.get(id)) : "")),
    ]);
  }
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** RFC 4180 quoting, and a leading quote mark before what a spreadsheet would run as a formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}
