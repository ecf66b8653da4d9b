import { describe, expect, it } from "vitest";
import { listExercises } from "./exercise.ts";
import { composeSubmission, listCorrectFixtures, listWrongFixtures, type WrongFixture } from "./fixtures.ts";
import { loadGrader } from "./grader-loader.ts";
import { readSubmissionFiles } from "./kit/submission-files.ts";
import { Scorecard } from "./scorecard.ts";

// Every grader's static part on every fixture, without an engine: the static checks a fixture's
// expected.json names fail, no other static check does, and each failure names a file and a line.
// (The behaviour checks are proven on the real engine by each grader's grader.int.test.ts.)
for (const exercise of await listExercises()) {
  const grader = await loadGrader(exercise);
  const staticIds = new Set(grader.checks.filter((c) => c.kind === "static").map((c) => c.id));
  const fixtures: (WrongFixture | undefined)[] = [
    undefined,
    ...(await listWrongFixtures(exercise)),
    ...(await listCorrectFixtures(exercise)),
  ];
  describe(`${exercise.id}: static checks without an engine`, () => {
    it("has static checks", () => {
      expect(staticIds.size).toBeGreaterThan(0);
    });
    for (const fixture of fixtures) {
      it(fixture ? `${fixture.name}: ${fixture.mistake}` : "the reference solution", async () => {
        const submission = await composeSubmission(exercise, fixture?.dir);
        try {
          const card = new Scorecard(grader.checks);
          grader.gradeStatic(await readSubmissionFiles(submission.dir, exercise), card);
          const results = card.all().filter((c) => staticIds.has(c.id));
          const notPassed = results.filter((c) => c.status !== "passed");
          expect(
            notPassed.map((c) => `${c.id}:${c.status}`).sort(),
            JSON.stringify(notPassed, null, 1),
          ).toEqual(
            (fixture?.failing ?? [])
              .filter((id) => staticIds.has(id))
              .map((id) => `${id}:failed`)
              .sort(),
          );
          for (const check of notPassed) {
            expect(check.location?.file, `${check.id} names no file`).toBeTruthy();
            expect(check.location?.line, `${check.id} names no line`).toBeGreaterThan(0);
          }
        } finally {
          await submission.dispose();
        }
      });
    }
  });
}
