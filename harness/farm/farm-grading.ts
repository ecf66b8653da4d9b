import type { GradeReport } from "../grading/grade-report.ts";
import { gradeExercise } from "../grading/run-grading.ts";
import type { EndpointPool } from "./endpoint-pool.ts";

/** Error codes that say the endpoint failed, not the submission: the job is worth another endpoint. */
const ENDPOINT_CODES = new Set([
  "ENGINE_UNAVAILABLE",
  "ENGINE_START_FAILED",
  "ENGINE_LOST",
  "BUILDER_FAILED",
  "DISK_FULL",
]);

/** Why a report is the endpoint's failure, or undefined when the learner's work was graded. Pure. */
export function endpointFailure(report: GradeReport): string | undefined {
  if (report.status !== "error" || !report.error || !ENDPOINT_CODES.has(report.error.code)) return undefined;
  return `${report.error.code}: ${report.error.message}`;
}

/** One learner's grading on the farm: the report says which endpoint graded it and which failed first. */
export async function gradeOnFarm(
  farm: EndpointPool,
  exercise: string,
  submission: string,
  grade: typeof gradeExercise = gradeExercise,
): Promise<GradeReport> {
  const run = await farm.run(
    (endpoint) => grade(exercise, { submission, force: true, endpoint }),
    endpointFailure,
  );
  return {
    ...run.result,
    notes: [
      ...run.result.notes,
      ...run.failed.map((f) => `The BuildKit endpoint ${f.endpoint} failed this grading (${f.reason}).`),
      `Graded on the BuildKit endpoint ${run.endpoint}${run.failed.length ? " after the failure above" : ""}.`,
    ],
  };
}
