import type { Exercise } from "../grading/exercise.ts";
import { composeSubmission } from "../grading/fixtures.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { gradeExercise } from "../grading/run-grading.ts";

/** One forced grading of the reference (or a fixture folder laid over it), timed end to end. */
export async function timedGrading(
  exercise: Exercise,
  fixtureDir?: string,
): Promise<{ ms: number; report: GradeReport }> {
  const submission = await composeSubmission(exercise, fixtureDir);
  try {
    const t0 = performance.now();
    const report = await gradeExercise(exercise.id, { submission: submission.dir, force: true });
    return { ms: performance.now() - t0, report };
  } finally {
    await submission.dispose();
  }
}
