import { expect } from "vitest";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST } from "./checks.ts";

// Three builders per grading: the reference is fully cached on a new runner and rebuilds only
// what an api change touches; each wrong fixture loses exactly the checks it names.
await describeGraderFixtures("04-cache-backends", {
  checks: CHECK_LIST,
  minWrong: 5,
  reference: (report) => {
    expect(report.measurements["fresh-runner.api.cachedSteps"]).toMatch(/^(\d+)\/\1$/);
    expect(report.measurements["fresh-runner.worker.cachedSteps"]).toMatch(/^(\d+)\/\1$/);
    // Built side by side, as one bake call does.
    expect(Number(report.measurements["bake.overlapMs"])).toBeGreaterThan(0);
    expect(Number(report.measurements["fresh-runner.api.durationMs"])).toBeLessThan(
      Number(report.measurements["cold.api.durationMs"]),
    );
  },
});
