import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import {
  gradeFixture,
  listCorrectFixtures,
  listWrongFixtures,
  notPassed,
} from "../../harness/grading/fixtures.ts";
import { CHECK_LIST } from "./checks.ts";

// Each leaking fixture: the leak found in the right place and no other; the reference and the
// tricky correct submission: full marks and no finding.
const exercise = await loadExercise("03-build-secrets");
const wrong = await listWrongFixtures(exercise);
const correct = await listCorrectFixtures(exercise);

describe.concurrent("build-secrets grader on the real engine", () => {
  it("gives the reference solution full marks, with the secret proven used", async () => {
    const report = await gradeFixture(exercise);
    expect(
      notPassed(report),
      JSON.stringify(
        report.checks.filter((c) => c.status !== "passed"),
        null,
        1,
      ),
    ).toEqual([]);
    expect(report.score).toBe(report.maxScore);
    expect(report.checks).toHaveLength(CHECK_LIST.length);
    expect(report.measurements["leaks.found"]).toBe(0);
    expect(Number(report.measurements["registry.authenticatedDownloads"])).toBeGreaterThan(0);
  });

  it("has at least six leaking fixtures and a tricky correct one", () => {
    expect(wrong.length).toBeGreaterThanOrEqual(6);
    expect(correct.length).toBeGreaterThanOrEqual(1);
  });

  for (const fixture of [...wrong, ...correct]) {
    it(`${fixture.name}: ${fixture.mistake}`, async () => {
      const report = await gradeFixture(exercise, fixture);
      const detail = JSON.stringify(
        report.checks.filter((c) => c.status !== "passed").map((c) => [c.id, c.message, c.details]),
        null,
        1,
      );
      expect(notPassed(report), detail).toEqual(fixture.failing.map((id) => `${id}:failed`).sort());
      for (const check of report.checks.filter((c) => c.id.startsWith("leak.") && c.status === "failed")) {
        expect(check.details?.length, `${check.id} names where`).toBeGreaterThan(0);
      }
    });
  }

  it("a Dockerfile that never reads the secret cannot score as leak-free", async () => {
    const { writeFile } = await import("node:fs/promises");
    const { composeSubmission } = await import("../../harness/grading/fixtures.ts");
    const { gradeExercise } = await import("../../harness/grading/run-grading.ts");
    const submission = await composeSubmission(exercise);
    try {
      await writeFile(
        `${submission.dir}/Dockerfile`,
        'FROM node:20-alpine\nWORKDIR /app\nCOPY src ./src\nCMD ["node", "src/index.js"]\n',
      );
      const report = await gradeExercise(exercise.id, { submission: submission.dir, force: true });
      expect(report.checks.find((c) => c.id === "secret.consumed")?.status).toBe("failed");
      expect(report.status).toBe("failed");
    } finally {
      await submission.dispose();
    }
  });
});
