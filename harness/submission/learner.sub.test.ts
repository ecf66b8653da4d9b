import { writeFile } from "node:fs/promises";
import { renderHtml } from "../report/html-report.ts";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listExercises, REPO_ROOT } from "../grading/exercise.ts";
import type { Grader } from "../grading/grader.ts";
import { loadGrader } from "../grading/grader-loader.ts";
import { errorMessage } from "../errors.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { gradeExercise, writeReport } from "../grading/run-grading.ts";
import { matchesHandout } from "../grading/submission.ts";
import { renderTerminal } from "../report/terminal-report.ts";
import { gradingHome } from "../grader-image/home.ts";

// The learner's view: each exercise they have started is graded, one test per check, so
// `npm test` fails while a check fails. Exercises still as handed out are skipped as not attempted.
const exercises = await listExercises();
const graded: GradeReport[] = [];
const started = [];
for (const exercise of exercises)
  if (!(await matchesHandout(exercise, exercise.workspace))) started.push(exercise.id);
if (started.length === 0)
  process.stdout.write(
    `Nothing to grade yet: no exercise's files differ from the handout. Edit exercises/<id>/workspace (${exercises.map((e) => e.id).join(", ")}) and run npm test again.\n`,
  );

const graders = new Map<string, Grader | string>();
for (const exercise of exercises)
  graders.set(exercise.id, await loadGrader(exercise).catch((error: unknown) => errorMessage(error)));

for (const exercise of exercises) {
  const grader = graders.get(exercise.id);
  const attempted = started.includes(exercise.id);
  describe(`${exercise.id}: ${exercise.title}`, () => {
    if (grader === undefined || typeof grader === "string") {
      it(`has a grader (exercise.json names "${exercise.grader}")`, () => {
        expect.fail(grader ?? `no grader for ${exercise.id}`);
      });
      return;
    }
    if (!attempted) {
      // Skipped on purpose: the learner has not changed this exercise's files yet, so there is
      // nothing of theirs to grade (the published course repo passes with every exercise skipped).
      it.skip(`not attempted: edit ${exercise.learnerFiles.join(" and ")} in exercises/${exercise.id}/workspace to start`, () =>
        undefined);
      return;
    }
    let report: GradeReport;
    beforeAll(async () => {
      const progress = (m: string): void => {
        process.stderr.write(`[${exercise.id}] ${m}\n`);
      };
      // Graded in the grader image where this machine cannot run the run's engines itself.
      report =
        (await gradingHome()) === "image"
          ? await (
              await import("../grader-image/exercise-in-image.ts")
            ).gradeExerciseInImage(exercise.id, { progress })
          : await gradeExercise(exercise.id, { progress });
      await writeReport(report, join(REPO_ROOT, "reports"));
      graded.push(report);
      await writeFile(join(REPO_ROOT, "reports", "index.html"), renderHtml(graded, "Your exercises"));
      process.stdout.write(`\n${renderTerminal(report, { color: process.stdout.isTTY })}\n`);
    });

    it("could be graded", () => {
      expect(
        report.error,
        report.error ? `${report.error.message}. ${report.error.hint ?? ""}` : "",
      ).toBeUndefined();
    });
    for (const spec of grader.checks) {
      it(`${spec.id} (${spec.points} pt${spec.points === 1 ? "" : "s"}): ${spec.title}`, () => {
        const check = report.checks.find((c) => c.id === spec.id);
        expect(check, "the grader did not report this check").toBeDefined();
        expect(
          check?.status,
          `${check?.message ?? ""}${check?.location ? ` [${check.location.file}${check.location.line ? `:${check.location.line}` : ""}]` : ""}`,
        ).toBe("passed");
      });
    }
  });
}
