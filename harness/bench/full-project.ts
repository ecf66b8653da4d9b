import type { Exercise } from "../grading/exercise.ts";
import { composeSubmission } from "../grading/fixtures.ts";
import { prepareSubmission } from "../grading/submission.ts";

/**
 * The whole project as the grader builds it (the handout with the solution, and optionally a
 * fixture, laid over it), in one scratch folder: what the raw-tool baselines build by hand.
 */
export async function fullProject(
  exercise: Exercise,
  fixtureDir?: string,
): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const composed = await composeSubmission(exercise, fixtureDir);
  try {
    const prepared = await prepareSubmission(exercise, composed.dir);
    return { dir: prepared.dir, dispose: () => prepared.dispose() };
  } finally {
    await composed.dispose();
  }
}
