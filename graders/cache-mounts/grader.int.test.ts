import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { composeSubmission } from "../../harness/grading/fixtures.ts";
import { gradeExercise } from "../../harness/grading/run-grading.ts";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST } from "./checks.ts";

await describeGraderFixtures("01-cache-mounts", {
  checks: CHECK_LIST,
  minWrong: 5,
  reference: (report) => {
    expect(report.measurements["cacheMount.bytes"]).toBeGreaterThan(1_000_000);
    expect(report.measurements["source-change.cachedSteps"]).toMatch(/^\d+\/\d+$/);
  },
});

describe("cache-mounts grader on broken input", () => {
  let broken: { dir: string; dispose: () => Promise<void> };
  beforeAll(async () => {
    broken = await composeSubmission(await loadExercise("01-cache-mounts"));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(`${broken.dir}/Dockerfile`, "FROM node:20-alpine\nRUN exit 3\n");
  });
  afterAll(async () => broken.dispose());

  it("reports a failing build as failed checks naming the step, without losing the static results", async () => {
    const report = await gradeExercise("01-cache-mounts", { submission: broken.dir, force: true });
    const cold = report.checks.find((c) => c.id === "build.cold");
    expect(cold?.status).toBe("failed");
    expect(cold?.message).toContain("RUN exit 3");
    expect(report.checks.find((c) => c.id === "workflow.gha-cache-max")?.status).toBe("passed");
    expect(report.checks.filter((c) => c.status === "error")).toEqual([]);
  });
});
