import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { gradeFixture, listWrongFixtures, notPassed } from "../../harness/grading/fixtures.ts";
import { CHECK_LIST, EMULATED_POINTS } from "./checks.ts";

// Proven on the real engine with QEMU: the reference gets full marks; each known-wrong
// submission loses exactly the checks its mistake costs.
const exercise = await loadExercise("02-multi-platform");
const fixtures = await listWrongFixtures(exercise);

describe.concurrent("multi-platform grader on the real engine", () => {
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
    expect(report.score).toBe(report.maxScore);
    expect(report.checks).toHaveLength(CHECK_LIST.length);
    expect(report.measurements["index.attestations"]).toBe(2);
    expect(report.measurements["compile.emulatedMs"]).toBe(0);
  });

  it("has at least five known-wrong fixtures", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: ${fixture.mistake}`, async () => {
      const report = await gradeFixture(exercise, fixture);
      const detail = JSON.stringify(
        report.checks.filter((c) => c.status !== "passed").map((c) => [c.id, c.message]),
        null,
        1,
      );
      expect(notPassed(report), detail).toEqual(fixture.failing.map((id) => `${id}:failed`).sort());
      if (fixture.name === "emulated-compile") {
        const cross = report.checks.find((c) => c.id === "build.cross-compiled");
        expect(cross?.points).toBe(EMULATED_POINTS);
        expect(cross?.message).toMatch(/linux\/arm64 ran under QEMU emulation for/);
        expect(Number(report.measurements["compile.emulatedMs"])).toBeGreaterThan(0);
      }
      if (fixture.name === "amd64-binary-everywhere") {
        expect(report.checks.find((c) => c.id === "binary.architecture")?.message).toContain(
          "linux/arm64: /usr/local/bin/pinger is ELF 64-bit x86-64, not a arm64 binary",
        );
      }
    });
  }
});
