import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExercise, type Exercise } from "../../harness/grading/exercise.ts";
import {
  composeSubmission,
  gradeFixture,
  listWrongFixtures,
  notPassed,
  type WrongFixture,
} from "../../harness/grading/fixtures.ts";
import { gradeExercise } from "../../harness/grading/run-grading.ts";
import { CHECK_LIST } from "./checks.ts";

// The grader proven on the real engine: full marks for the reference solution, and each
// known-wrong submission loses exactly the checks its mistake should cost, no others.
const exercise: Exercise = await loadExercise("01-cache-mounts");
const fixtures: WrongFixture[] = await listWrongFixtures(exercise);

const grade = (fixture?: WrongFixture) => gradeFixture(exercise, fixture);
const failingOf = notPassed;

describe.concurrent("cache-mounts grader on the real engine", () => {
  it("gives the reference solution full marks", async () => {
    const report = await grade();
    expect(
      failingOf(report),
      JSON.stringify(
        report.checks.filter((c) => c.status !== "passed"),
        null,
        1,
      ),
    ).toEqual([]);
    expect(report.status).toBe("passed");
    expect(report.score).toBe(report.maxScore);
    expect(report.checks).toHaveLength(CHECK_LIST.length);
    expect(report.measurements["cacheMount.bytes"]).toBeGreaterThan(1_000_000);
    expect(report.measurements["source-change.cachedSteps"]).toMatch(/^\d+\/\d+$/);
  });

  it("has at least five known-wrong fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: ${fixture.mistake}`, async () => {
      const report = await grade(fixture);
      const detail = JSON.stringify(
        report.checks.filter((c) => c.status !== "passed").map((c) => [c.id, c.message]),
        null,
        1,
      );
      expect(failingOf(report), detail).toEqual(fixture.failing.map((id) => `${id}:failed`).sort());
      expect(report.status).toBe("failed");
      for (const check of report.checks.filter((c) => c.status === "failed"))
        expect(check.message.length).toBeGreaterThan(20);
    });
  }
});

describe("cache-mounts grader on broken input", () => {
  let broken: { dir: string; dispose: () => Promise<void> };
  beforeAll(async () => {
    broken = await composeSubmission(exercise);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${broken.dir}/Dockerfile`, "FROM node:20-alpine\nRUN exit 3\n");
  });
  afterAll(async () => broken.dispose());

  it("reports a failing build as failed checks naming the step, without losing the static results", async () => {
    const report = await gradeExercise(exercise.id, { submission: broken.dir, force: true });
    const cold = report.checks.find((c) => c.id === "build.cold");
    expect(cold?.status).toBe("failed");
    expect(cold?.message).toContain("RUN exit 3");
    expect(report.checks.find((c) => c.id === "workflow.gha-cache-max")?.status).toBe("passed");
    expect(report.checks.filter((c) => c.status === "error")).toEqual([]);
  });
});
