import { expect } from "vitest";
import { describeGraderFixtures } from "../../harness/grading/testing/fixture-suite.ts";
import { CHECK_LIST } from "./checks.ts";

// Four builds per grading on a real SSH Git server: the reference fetches over the agent and
// leaves no key, no test file and no expanded variable behind; each wrong fixture loses exactly
// the checks it names, and each tricky correct one gets full marks.
await describeGraderFixtures("05-ssh-heredocs-mounts", {
  checks: CHECK_LIST,
  minWrong: 5,
  reference: (report) => {
    expect(Number(report.measurements["ssh.logins"])).toBeGreaterThan(0);
    expect(report.measurements["leaks.found"]).toBe(0);
    expect(Number(report.measurements["cacheMounts.bytes"])).toBeGreaterThan(0);
    expect(Number(report.measurements["image.bytes"])).toBeGreaterThan(0);
  },
  fixture: (_fixture, report) => {
    // A leak that was found says where.
    for (const check of report.checks.filter(
      (c) => c.id.startsWith("leak.") && c.status === "failed" && !c.message.startsWith("Not measured"),
    ))
      expect(check.details?.length, `${check.id} names where`).toBeGreaterThan(0);
  },
});
