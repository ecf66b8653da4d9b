import { XMLParser } from "fast-xml-parser";
import { SyntaxValidator } from "fast-xml-validator";
import { describe, expect, it } from "vitest";
import { renderJunit } from "./junit-report.ts";
import { renderMarkdown } from "./markdown-report.ts";
import { validateReport } from "./report-schema.ts";
import { SAMPLE_ERROR, SAMPLE_FAILED, SAMPLE_NOT_ATTEMPTED } from "./sample-reports.ts";
import { renderTerminal } from "./terminal-report.ts";

const notAttempted = JSON.parse(JSON.stringify(SAMPLE_NOT_ATTEMPTED)) as unknown;

describe("report schema", () => {
  it.each([
    ["failed", SAMPLE_FAILED],
    ["error", SAMPLE_ERROR],
    ["not attempted", notAttempted],
  ])("accepts a %s report", (_name, report) => {
    expect(validateReport(JSON.parse(JSON.stringify(report)))).toMatchObject({ ok: true });
  });
  it("rejects what an untrusted artifact might carry", () => {
    const bad = (patch: Record<string, unknown>) =>
      validateReport({ ...JSON.parse(JSON.stringify(SAMPLE_FAILED)), ...patch });
    expect(bad({ exercise: "../../etc" })).toMatchObject({ ok: false });
    expect(bad({ status: "great" })).toMatchObject({ ok: false });
    expect(bad({ extra: 1 })).toMatchObject({ ok: false });
    expect(
      bad({
        checks: [
          {
            id: "x",
            title: "t",
            kind: "static",
            status: "passed",
            points: 1,
            maxPoints: 1,
            message: "m",
            location: { file: "/etc/passwd" },
          },
        ],
      }),
    ).toMatchObject({ ok: false });
    expect(bad({ checks: "nope" })).toMatchObject({ ok: false, errors: ["/checks must be array"] });
  });
});

describe("renderers", () => {
  it("markdown: a summary table, every check, escaped cells, notes and flagged edits", () => {
    const md = renderMarkdown([SAMPLE_FAILED, SAMPLE_ERROR]);
    expect(md).toContain("| 01-cache-mounts | ❌ failed | 20/25 |");
    expect(md).toContain("| 02-multi-platform | ⚠️ grading error | - |");
    expect(md).toContain("a pipe & &lt;tag>");
    expect(md).toContain("\\|");
    expect(md).toContain("(`Dockerfile:3`)");
    expect(md).toContain("`graders/cache-mounts/checks.ts`");
    expect(md).toContain("Next: sudo bash harness/engine/provision.sh");
  });
  it("junit: well-formed, one case per check, failures, errors and skips counted", () => {
    const xml = renderJunit([SAMPLE_FAILED, SAMPLE_ERROR, SAMPLE_NOT_ATTEMPTED]);
    expect(SyntaxValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { testsuite: Record<string, string>[] };
    };
    const [failed, error, skipped] = parsed.testsuites.testsuite;
    expect([failed?.["@_tests"], failed?.["@_failures"], failed?.["@_errors"]]).toEqual(["3", "1", "1"]);
    expect([error?.["@_errors"], skipped?.["@_skipped"]]).toEqual(["1", "1"]);
    expect(xml).not.toContain("\u0001");
  });
  it("terminal: score, marks, locations and measurements in human units", () => {
    const text = renderTerminal(SAMPLE_FAILED);
    expect(text).toContain("✗ 01-cache-mounts - Cache mounts and a faster CI build: 20/25");
    expect(text).toContain("(Dockerfile:3)");
    expect(text).toMatch(/cold\.durationMs\s+7\.6 s/);
    expect(text).toMatch(/cacheMount\.bytes\s+32\.9 MB/);
    expect(renderTerminal(SAMPLE_ERROR)).toContain("next: sudo bash harness/engine/provision.sh");
  });
});
