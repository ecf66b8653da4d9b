import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../grading/check.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { verifyReport } from "./report-verifier.ts";

const SPECS: CheckSpec[] = [
  { id: "a.one", title: "One", points: 2, kind: "static" },
  { id: "b.two", title: "Two", points: 3, kind: "behaviour" },
];
const ONE = {
  id: "a.one",
  title: "One",
  kind: "static",
  status: "passed",
  points: 2,
  maxPoints: 2,
  message: "ok",
} as const;
const TWO = {
  id: "b.two",
  title: "Two",
  kind: "behaviour",
  status: "failed",
  points: 0,
  maxPoints: 3,
  message: "no",
} as const;
const report = (over: Partial<GradeReport> = {}): GradeReport => ({
  schemaVersion: 1,
  exercise: "01-x",
  title: "X",
  status: "failed",
  score: 2,
  maxScore: 5,
  checks: [
    { id: "a.one", title: "One", kind: "static", status: "passed", points: 2, maxPoints: 2, message: "ok" },
    {
      id: "b.two",
      title: "Two",
      kind: "behaviour",
      status: "failed",
      points: 0,
      maxPoints: 3,
      message: "no",
    },
  ],
  measurements: {},
  notes: [],
  submission: "x",
  environment: undefined,
  startedAt: "2026-11-28T00:00:00.000Z",
  durationMs: 1,
  ...over,
});

describe("a report is cross-checked against the trusted grader", () => {
  it("accepts what the grader would write, including partial credit and errors", () => {
    expect(verifyReport(report(), "01-x", SPECS)).toEqual([]);
    const partial = report({
      score: 3,
      checks: [ONE, { ...TWO, points: 1 }],
    });
    expect(verifyReport(partial, "01-x", SPECS)).toEqual([]);
    expect(verifyReport(report({ status: "not-attempted", score: 0, checks: [] }), "01-x", SPECS)).toEqual(
      [],
    );
    expect(
      verifyReport(report({ status: "error", score: 0, maxScore: 0, checks: [] }), "01-x", SPECS),
    ).toEqual([]);
  });

  it("refuses a score that is not the sum, a forged status and a forged maximum", () => {
    expect(verifyReport(report({ score: 5, status: "passed" }), "01-x", SPECS)).toEqual([
      "the score 5 is not the sum of its checks (2)",
      "the status is passed, though its checks make it failed",
    ]);
    expect(verifyReport(report({ maxScore: 2 }), "01-x", SPECS)).toEqual(["the maximum is 5, not 2"]);
  });

  it("refuses invented, missing, repeated and re-weighted checks", () => {
    const problems = verifyReport(
      report({ checks: [ONE, ONE, { ...TWO, id: "z.bonus" }], score: 4 }),
      "01-x",
      SPECS,
    );
    expect(problems).toEqual([
      "check a.one appears twice",
      "check z.bonus is not one of this exercise's checks",
      "check b.two is missing",
    ]);
    expect(
      verifyReport(
        report({ checks: [{ ...ONE, maxPoints: 9, points: 9 }, TWO], score: 9, maxScore: 12 }),
        "01-x",
        SPECS,
      ),
    ).toContain("check a.one is worth 2, not 9");
  });

  it("refuses points that contradict a check's status, and a report for another exercise", () => {
    expect(verifyReport(report({ checks: [{ ...ONE, points: 1 }, TWO], score: 1 }), "01-x", SPECS)).toEqual([
      "check a.one passed with 1 of 2 points",
    ]);
    expect(verifyReport(report({ checks: [ONE, { ...TWO, points: 3 }], score: 5 }), "01-x", SPECS)).toContain(
      "check b.two failed with full points",
    );
    expect(verifyReport(report({ status: "not-attempted", score: 5, checks: [] }), "01-x", SPECS)).toEqual([
      "a not-attempted report has no score, yet it says 5",
    ]);
    expect(verifyReport(report({ exercise: "02-y" }), "01-x", SPECS)).toEqual([
      "it is the report of 02-y, not 01-x",
    ]);
  });
});
