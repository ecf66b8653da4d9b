import type { CheckSpec } from "../grading/check.ts";
import type { GradeReport } from "../grading/grade-report.ts";

/**
 * Cross-checks a report that came out of an untrusted run against the default branch's own
 * grader (pure): the right checks, each worth what the grader says, a score that is their sum,
 * and a status that follows from them. A report written by hand rarely survives this; one that
 * does still scores only what the trusted grader's checks allow.
 */
export function verifyReport(report: GradeReport, exercise: string, checks: readonly CheckSpec[]): string[] {
  const problems: string[] = [];
  if (report.exercise !== exercise) problems.push(`it is the report of ${report.exercise}, not ${exercise}`);
  const expectedMax = checks.reduce((t, c) => t + c.points, 0);
  // Nothing graded (files as handed out, or grading could not start): no checks, no score.
  if (report.status === "not-attempted" || (report.status === "error" && report.checks.length === 0)) {
    if (report.score !== 0)
      problems.push(`a ${report.status} report has no score, yet it says ${report.score}`);
    if (report.checks.length > 0) problems.push("a not-attempted report lists check results");
    return problems;
  }
  const specs = new Map(checks.map((c) => [c.id, c]));
  const seen = new Set<string>();
  for (const c of report.checks) {
    const spec = specs.get(c.id);
    if (!spec) {
      problems.push(`check ${c.id} is not one of this exercise's checks`);
      continue;
    }
    if (seen.has(c.id)) problems.push(`check ${c.id} appears twice`);
    seen.add(c.id);
    if (c.maxPoints !== spec.points)
      problems.push(`check ${c.id} is worth ${spec.points}, not ${c.maxPoints}`);
    if (!Number.isInteger(c.points) || c.points < 0 || c.points > spec.points)
      problems.push(`check ${c.id} has ${c.points} points out of ${spec.points}`);
    if (c.status === "passed" && c.points !== spec.points)
      problems.push(`check ${c.id} passed with ${c.points} of ${spec.points} points`);
    if (c.status === "error" && c.points !== 0)
      problems.push(`check ${c.id} could not run yet earned points`);
    if (c.status === "failed" && c.points >= spec.points)
      problems.push(`check ${c.id} failed with full points`);
  }
  for (const id of specs.keys()) if (!seen.has(id)) problems.push(`check ${id} is missing`);
  const sum = report.checks.reduce((t, c) => t + c.points, 0);
  if (report.score !== sum) problems.push(`the score ${report.score} is not the sum of its checks (${sum})`);
  if (report.maxScore !== expectedMax) problems.push(`the maximum is ${expectedMax}, not ${report.maxScore}`);
  const expectedStatus = report.checks.some((c) => c.status === "error")
    ? "error"
    : report.checks.every((c) => c.status === "passed")
      ? "passed"
      : "failed";
  if (report.status !== expectedStatus)
    problems.push(`the status is ${report.status}, though its checks make it ${expectedStatus}`);
  return problems;
}
