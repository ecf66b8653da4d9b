import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { composeSubmission } from "../../harness/grading/fixtures.ts";
import { gradeExercise } from "../../harness/grading/run-grading.ts";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST } from "./checks.ts";

// Each leaking fixture: the leak found in the right place and no other; the reference and the
// tricky correct submission: full marks and no finding.
await describeGraderFixtures("03-build-secrets", {
  checks: CHECK_LIST,
  minWrong: 6,
  reference: (report) => {
    expect(report.measurements["leaks.found"]).toBe(0);
    expect(Number(report.measurements["registry.authenticatedDownloads"])).toBeGreaterThan(0);
  },
  fixture: (_fixture, report) => {
    // A leak that was found names where; a build the grader refused measured nothing.
    const found = report.checks.filter(
      (c) => c.id.startsWith("leak.") && c.status === "failed" && !c.message.startsWith("Not measured"),
    );
    for (const check of found) {
      expect(check.details?.length, `${check.id} names where`).toBeGreaterThan(0);
    }
  },
});

describe("build-secrets grader without the secret", () => {
  it("a Dockerfile that never reads the secret cannot score as leak-free", async () => {
    const submission = await composeSubmission(await loadExercise("03-build-secrets"));
    try {
      await writeFile(
        `${submission.dir}/Dockerfile`,
        'FROM node:20-alpine\nWORKDIR /app\nCOPY src ./src\nCMD ["node", "src/index.js"]\n',
      );
      const report = await gradeExercise("03-build-secrets", { submission: submission.dir, force: true });
      expect(report.checks.find((c) => c.id === "secret.consumed")?.status).toBe("failed");
      expect(report.status).toBe("failed");
    } finally {
      await submission.dispose();
    }
  });
});
