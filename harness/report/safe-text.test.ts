import { describe, expect, it } from "vitest";
import { SAMPLE_FAILED } from "./sample-reports.ts";
import { boundReport } from "./bound-report.ts";
import { renderMarkdown } from "./markdown-report.ts";
import { validateReport } from "./report-schema.ts";
import { fenceFor, stripControl, truncate, workspacePath } from "./safe-text.ts";

describe("learner text stays inert", () => {
  it("strips terminal escapes, control characters and direction overrides, keeping lines", () => {
    expect(stripControl("a\u001b[2J\u001b[31mred\u001b[0m\u0007 b\tc\nd\u202ee\u001b]0;title\u0007")).toBe(
      "ared b\tc\nde",
    );
  });
  it("fences a log with a fence no line can close", () => {
    expect(fenceFor(["plain"])).toBe("```");
    expect(fenceFor(["```", "## 10/10 ✅", "`````"])).toBe("``````");
  });
  it("truncates without splitting a surrogate pair", () => {
    const cut = truncate(`${"x".repeat(5)}😀${"y".repeat(30)}`, 20);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut).toMatch(/… \(truncated\)$/);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
  it("keeps annotation paths inside the workspace", () => {
    expect(workspacePath("./src//a.ts")).toBe("src/a.ts");
    expect(workspacePath("../../.github/workflows/grade.yml")).toBeUndefined();
    expect(workspacePath("src/../../x")).toBeUndefined();
    expect(workspacePath("/etc/passwd")).toBeUndefined();
  });
});

describe("a report always meets its schema and renders safely", () => {
  const hostile = {
    ...SAMPLE_FAILED,
    title: "t".repeat(5000),
    notes: Array.from({ length: 80 }, (_, i) => `note ${i} ${"n".repeat(3000)}`),
    measurements: { "log.tail": "m".repeat(10_000) },
    checks: SAMPLE_FAILED.checks.map((c) => ({
      ...c,
      message: `\u001b[2J${"a".repeat(100_000)}`,
      details: ["```", "## Score: 25/25 ✅", "```", ...Array.from({ length: 500 }, () => "l".repeat(9000))],
      location: { file: "../../../etc/passwd", line: 3 },
    })),
  };
  it("bounds every field, so the report is valid and never lost", () => {
    expect(validateReport(JSON.parse(JSON.stringify(hostile))).ok).toBe(false);
    const bounded = boundReport(hostile);
    const valid = validateReport(JSON.parse(JSON.stringify(bounded)));
    expect(valid.ok ? [] : valid.errors).toEqual([]);
    expect(bounded.checks[0]?.location).toBeUndefined();
    expect(bounded.checks[0]?.message.startsWith("a")).toBe(true);
    expect(bounded.notes.at(-1)).toBe("… and 31 more notes");
  });
  it("keeps the learner's Markdown inside the fence", () => {
    const md = renderMarkdown([boundReport(hostile)]);
    const lines = md.split("\n");
    const open = lines.findIndex((l) => /^`{4,}$/.test(l));
    expect(open).toBeGreaterThan(0);
    const close = lines.indexOf(lines[open] ?? "", open + 1);
    expect(lines.slice(open + 1, close)).toContain("## Score: 25/25 ✅");
    expect(md.includes(String.fromCharCode(0x1b))).toBe(false);
  });
});
