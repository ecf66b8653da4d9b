import { describe, expect, it } from "vitest";
import { csvField, renderClassCsv } from "./class-csv.ts";
import { SAMPLE_ERROR, SAMPLE_FAILED } from "./sample-reports.ts";

describe("the class as CSV", () => {
  it("has one column per check, with each learner's points, and blanks where nothing was graded", () => {
    const csv = renderClassCsv([
      { learner: "ada", report: SAMPLE_FAILED },
      { learner: "bob", report: { ...SAMPLE_ERROR, exercise: SAMPLE_FAILED.exercise } },
    ]);
    const rows = csv
      .trimEnd()
      .split("\r\n")
      .map((r) => r.split(","));
    expect(rows[0]).toEqual(["learner", "status", "score", "max", ...SAMPLE_FAILED.checks.map((c) => c.id)]);
    expect(rows[1]).toEqual([
      "ada",
      "failed",
      String(SAMPLE_FAILED.score),
      String(SAMPLE_FAILED.maxScore),
      ...SAMPLE_FAILED.checks.map((c) => String(c.points)),
    ]);
    expect(rows[2]?.slice(0, 3)).toEqual(["bob", "error", ""]);
    expect(rows[2]?.slice(4).every((v) => v === "")).toBe(true);
  });

  it.each([
    ["plain", "plain"],
    ['say "hi", twice', '"say ""hi"", twice"'],
    ["=HYPERLINK(1)", `"'=HYPERLINK(1)"`],
    ["+1", `"'+1"`],
    ["-2", `"'-2"`],
    ["@SUM", `"'@SUM"`],
    ["two\nlines", '"two\nlines"'],
  ])("quotes %j so a spreadsheet reads it as text", (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
