import { describe, expect, it } from "vitest";
import type { GradeReport } from "../grading/grade-report.ts";
import { validateReport } from "../report/report-schema.ts";
import { EndpointPool } from "./endpoint-pool.ts";
import { endpointFailure, gradeOnFarm } from "./farm-grading.ts";

function report(fields: Partial<GradeReport>): GradeReport {
  return {
    schemaVersion: 1,
    exercise: "02-multi-platform",
    title: "One tag for amd64 and arm64",
    status: "passed",
    score: 0,
    maxScore: 0,
    checks: [],
    measurements: {},
    notes: [],
    submission: "/class/ada",
    environment: { driver: "remote", setupMs: 1 },
    startedAt: "2026-11-29T04:00:00.000Z",
    durationMs: 1,
    ...fields,
  };
}

describe("grading on a farm", () => {
  it("tells an endpoint's failure from the learner's", () => {
    expect(
      endpointFailure(report({ status: "error", error: { code: "ENGINE_LOST", message: "gone" } })),
    ).toBe("ENGINE_LOST: gone");
    expect(
      endpointFailure(report({ status: "error", error: { code: "INVALID_SUBMISSION", message: "x" } })),
    ).toBeUndefined();
    expect(endpointFailure(report({ status: "failed" }))).toBeUndefined();
  });

  it("grades again on another endpoint and says where, in a report that meets the schema", async () => {
    const pool = new EndpointPool([
      { address: "tcp://a:1", slots: 1 },
      { address: "tcp://b:1", slots: 1 },
    ]);
    const seen: string[] = [];
    const graded = await gradeOnFarm(pool, "02-multi-platform", "/class/ada", (_id, options) => {
      seen.push(options?.endpoint ?? "");
      return Promise.resolve(
        options?.endpoint === "tcp://a:1"
          ? report({ status: "error", error: { code: "ENGINE_LOST", message: "the builder went away" } })
          : report({ status: "passed" }),
      );
    });
    expect(seen).toEqual(["tcp://a:1", "tcp://b:1"]);
    expect(graded.status).toBe("passed");
    expect(graded.notes).toEqual([
      "The BuildKit endpoint tcp://a:1 failed this grading (ENGINE_LOST: the builder went away).",
      "Graded on the BuildKit endpoint tcp://b:1 after the failure above.",
    ]);
    expect(validateReport(JSON.parse(JSON.stringify(graded))).ok).toBe(true);
  });
});
