import type { Exercise } from "../exercise.ts";
import { composeSubmission, type WrongFixture } from "../fixtures.ts";
import type { GradeReport } from "../grade-report.ts";
import { gradeExercise } from "../run-grading.ts";
import { validateReport } from "../../report/report-schema.ts";

/** Grades the reference solution, or a fixture laid over it, as a forced run. */
export async function gradeFixture(exercise: Exercise, fixture?: WrongFixture): Promise<GradeReport> {
  const submission = await composeSubmission(exercise, fixture?.dir);
  try {
    const report = await gradeExercise(exercise.id, { submission: submission.dir, force: true });
    // Every report the tests produce must meet the published schema.
    const valid = validateReport(JSON.parse(JSON.stringify(report)));
    if (!valid.ok) throw new Error(`the report does not meet the schema: ${valid.errors.join("; ")}`);
    return report;
  } finally {
    await submission.dispose();
  }
}

/** The checks that did not pass, as `id:status`, sorted: what fixture tests compare. */
export function notPassed(report: GradeReport): string[] {
  return report.checks
    .filter((c) => c.status !== "passed")
    .map((c) => `${c.id}:${c.status}`)
    .sort();
}
