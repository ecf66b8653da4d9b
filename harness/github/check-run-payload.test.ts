import { describe, expect, it } from "vitest";
import { SAMPLE_ERROR } from "../report/sample-reports.ts";
import { checkRunPayload } from "./check-run-payload.ts";

const prefix = { workspacePrefix: (id: string) => `exercises/${id}/workspace/` };

describe("a check run's summary", () => {
  it("keeps a learner's file name in an error inert: no bold, link, code or HTML", () => {
    const name = "**All 25 checks passed** [ok](https://example.invalid) `x` <img src=x>";
    const report = {
      ...SAMPLE_ERROR,
      error: {
        code: "INVALID_SUBMISSION" as const,
        message: `cannot read ${name}`,
        hint: `rename ${name}`,
      },
    };
    const { summary } = checkRunPayload(report, prefix).output;
    expect(summary).not.toContain("**All");
    expect(summary).toContain("\\*\\*All 25 checks passed\\*\\*");
    expect(summary).toContain("\\[ok\\](https://example.invalid)");
    expect(summary).toContain("\\`x\\`");
    expect(summary).not.toContain("<img");
    // The grader's own emphasis stays: only the title is bold.
    expect(summary.match(/(?<!\\)\*\*/g)).toHaveLength(2);
  });
});
