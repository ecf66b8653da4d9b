import { expect } from "vitest";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST, EMULATED_POINTS } from "./checks.ts";

// On the real engine with QEMU.
await describeGraderFixtures("02-multi-platform", {
  checks: CHECK_LIST,
  minWrong: 5,
  reference: (report) => {
    expect(report.measurements["index.attestations"]).toBe(2);
    expect(report.measurements["compile.emulatedMs"]).toBe(0);
  },
  fixture: (fixture, report) => {
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
  },
});
