import type { GradeReport } from "../grading/grade-report.ts";

/** JUnit XML for CI dashboards: a suite per exercise, a test case per check. */
export function renderJunit(reports: readonly GradeReport[]): string {
  const suites = reports.map((r) => {
    const cases = r.checks.map((c) => {
      const body =
        c.status === "passed"
          ? ""
          : c.status === "error"
            ? `<error message="${attr(c.message)}"/>`
            : `<failure message="${attr(c.message)}">${text([c.message, ...(c.location ? [`at ${c.location.file}${c.location.line ? `:${c.location.line}` : ""}`] : []), ...(c.details ?? [])].join("\n"))}</failure>`;
      return `    <testcase classname="${attr(r.exercise)}" name="${attr(`${c.id} (${c.points}/${c.maxPoints})`)}">${body}</testcase>`;
    });
    if (r.status === "error")
      cases.push(
        `    <testcase classname="${attr(r.exercise)}" name="grading"><error message="${attr(r.error?.message ?? "grading failed")}">${text(r.error?.hint ?? "")}</error></testcase>`,
      );
    if (r.status === "not-attempted")
      cases.push(`    <testcase classname="${attr(r.exercise)}" name="not attempted"><skipped/></testcase>`);
    const failures = r.checks.filter((c) => c.status === "failed").length;
    const errors = r.checks.filter((c) => c.status === "error").length + (r.status === "error" ? 1 : 0);
    return [
      `  <testsuite name="${attr(`${r.exercise}: ${r.title}`)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${r.status === "not-attempted" ? 1 : 0}" time="${(r.durationMs / 1000).toFixed(3)}" timestamp="${attr(r.startedAt)}">`,
      ...cases,
      "  </testsuite>",
    ].join("\n");
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join("\n")}\n</testsuites>\n`;
}

function attr(s: string): string {
  return text(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;");
}

function text(s: string): string {
  // XML 1.0 cannot carry most control characters, even escaped: drop them.
  return Array.from(s, (ch) => ch)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 || ch === "\t" || ch === "\n" || ch === "\r")
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}
