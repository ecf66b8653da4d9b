import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectMirror } from "../engine/base-image-mirror.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { loadExercise } from "../grading/exercise.ts";
import { composeSubmission } from "../grading/fixtures.ts";
import { gradeExercise } from "../grading/run-grading.ts";
import { notPassed } from "../grading/testing/grade-fixture.ts";
import { endpointFailure } from "./farm-grading.ts";
import { startFarmDaemon, type FarmDaemon } from "./testing/farm-daemon.ts";
import { startLanMachine, type LanMachine } from "./testing/lan-machine.ts";

// A farm daemon on another machine (a network namespace of its own, linked to this one) reaches
// nothing on this machine's loopback. Exercise 03 needs two of a run's services from its builds:
// the run's registry (push, cache export) and the private npm registry (a RUN step's install).
describe("a farm daemon on another machine", () => {
  let machine: LanMachine;
  let daemon: FarmDaemon;
  let submission: Awaited<ReturnType<typeof composeSubmission>>;
  // As a buildkitd's operator would, the daemon is told which host:port pairs serve plain HTTP:
  // the run's registry must take one of these ports (GRADER_REGISTRY_PORTS).
  const low = 40_000 + randomInt(2_000) * 4;
  const registryPorts = { low, high: low + 3 };
  beforeAll(async () => {
    machine = await startLanMachine();
    const plainHttp = [0, 1, 2, 3].map((i) => `${machine.hostAddress}:${String(low + i)}`);
    daemon = await startFarmDaemon(await detectMirror(), { machine, plainHttp });
    submission = await composeSubmission(await loadExercise("03-build-secrets"), undefined);
  });
  afterAll(async () => {
    await submission.dispose();
    await daemon.dispose();
    await machine.dispose();
  });

  it("grades with the run's services published at GRADER_SERVICE_HOST", async () => {
    const report = await gradeExercise("03-build-secrets", {
      submission: submission.dir,
      force: true,
      endpoint: daemon.address,
      publication: { host: machine.hostAddress, registryPorts },
    });
    expect(notPassed(report), explain(report)).toEqual([]);
    expect(report.environment?.driver).toBe("remote");
  });

  it("fails the endpoint, not the learner, when they stay on loopback", async () => {
    const report = await gradeExercise("03-build-secrets", {
      submission: submission.dir,
      force: true,
      endpoint: daemon.address,
    });
    expect(report.status, explain(report)).toBe("error");
    expect(report.error?.message).toContain("cannot push to the run's registry at 127.0.0.1:");
    expect(report.error?.hint).toContain("GRADER_SERVICE_HOST");
    // A farm takes it as the endpoint's failure, and grades elsewhere.
    expect(endpointFailure(report)).toMatch(/^BUILDER_FAILED: /);
    expect(report.checks.filter((c) => c.status === "failed")).toEqual([]);
  });

  it("refuses an exercise that needs new builders, and not as the endpoint's failure", async () => {
    const handout = await composeSubmission(await loadExercise("04-cache-backends"), undefined);
    try {
      const report = await gradeExercise("04-cache-backends", {
        submission: handout.dir,
        force: true,
        endpoint: daemon.address,
        publication: { host: machine.hostAddress, registryPorts },
      });
      expect(report.error?.code, explain(report)).toBe("DRIVER_UNSUITED");
      expect(report.error?.hint).toContain("GRADER_BUILDKIT_ENDPOINT");
      // Another endpoint could not do better: a farm must not take the daemon out for it.
      expect(endpointFailure(report)).toBeUndefined();
    } finally {
      await handout.dispose();
    }
  });
});

function explain(report: GradeReport): string {
  return JSON.stringify([report.status, report.error, report.notes, notPassed(report)]);
}
