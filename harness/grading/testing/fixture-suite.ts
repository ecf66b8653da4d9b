import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../check.ts";
import { loadExercise } from "../exercise.ts";
import { listCorrectFixtures, listWrongFixtures, type WrongFixture } from "../fixtures.ts";
import { gradeFixture, notPassed } from "./grade-fixture.ts";
import type { GradeReport } from "../grade-report.ts";

export interface FixtureSuiteOptions {
  readonly checks: readonly CheckSpec[];
  readonly minWrong: number;
  /** Further assertions on the reference solution's report. */
  readonly reference?: (report: GradeReport) => void;
  /** Further assertions on a fixture's report. */
  readonly fixture?: (fixture: WrongFixture, report: GradeReport) => void;
}

/**
 * The proof every grader owes, on the real engine: the reference solution gets full marks, every
 * known-wrong submission loses exactly the checks its expected.json names (no others), and every
 * tricky correct submission gets full marks. Each report also meets the report schema.
 */
export async function describeGraderFixtures(
  exerciseId: string,
  options: FixtureSuiteOptions,
): Promise<void> {
  const exercise = await loadExercise(exerciseId);
  const all = [...(await listWrongFixtures(exercise)), ...(await listCorrectFixtures(exercise))];
  // A fixture that changes only workflow files and fails only static checks builds exactly as
  // the reference does: static-fixtures.test.ts proves its verdict without an engine, and the
  // reference's run here proves the rest. Grading it again would add minutes and no evidence.
  const staticIds = new Set(options.checks.filter((c) => c.kind === "static").map((c) => c.id));
  const fixtures: WrongFixture[] = [];
  for (const fixture of all)
    if (!(fixture.failing.every((id) => staticIds.has(id)) && (await onlyWorkflows(fixture.dir))))
      fixtures.push(fixture);
  describe.concurrent(`${exerciseId} grader on the real engine`, () => {
    it("gives the reference solution full marks", async () => {
      const report = await gradeFixture(exercise);
      expect(
        notPassed(report),
        JSON.stringify(
          report.checks.filter((c) => c.status !== "passed"),
          null,
          1,
        ),
      ).toEqual([]);
      expect(report.status).toBe("passed");
      expect(report.score).toBe(report.maxScore);
      expect(report.checks.map((c) => c.id)).toEqual(options.checks.map((c) => c.id));
      options.reference?.(report);
    });

    it(`has at least ${options.minWrong} known-wrong fixtures`, () => {
      expect(all.filter((f) => f.failing.length > 0).length).toBeGreaterThanOrEqual(options.minWrong);
    });

    for (const fixture of fixtures) {
      it(`${fixture.name}: ${fixture.mistake}`, async () => {
        const report = await gradeFixture(exercise, fixture);
        const detail = JSON.stringify(
          report.checks.filter((c) => c.status !== "passed").map((c) => [c.id, c.message, c.details]),
          null,
          1,
        );
        expect(notPassed(report), detail).toEqual(fixture.failing.map((id) => `${id}:failed`).sort());
        expect(report.status).toBe(fixture.failing.length > 0 ? "failed" : "passed");
        // A failed check always tells the learner what to do, and where: every fixture holds the
        // files, so each failure names one and a line in it.
        for (const check of report.checks.filter((c) => c.status === "failed")) {
          expect(check.message.length).toBeGreaterThan(20);
          expect(check.location, `${check.id} names no file`).toBeDefined();
          expect(
            check.location?.line,
            `${check.id} names no line in ${check.location?.file ?? "?"}`,
          ).toBeGreaterThan(0);
        }
        options.fixture?.(fixture, report);
      });
    }
  });
}

/** Whether a fixture's files (besides expected.json) are all under .github/: nothing a build reads. */
async function onlyWorkflows(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => f !== "expected.json");
  return files.length > 0 && files.every((f) => f.startsWith(".github/"));
}
