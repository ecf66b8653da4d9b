import type { GradeReport } from "../grading/grade-report.ts";
import { fenceFor, markdownInline, stripControl } from "./safe-text.ts";
import { formatMeasurement } from "./terminal-report.ts";

/** Markdown for the Actions job summary, a pull-request comment and a check run's text. */
export function renderMarkdown(reports: readonly GradeReport[]): string {
  const lines = ["## Grading results", "", "| exercise | result | score |", "| --- | --- | --- |"];
  for (const r of reports)
    lines.push(
      `| ${markdownInline(r.exercise)} | ${statusLabel(r)} | ${r.status === "passed" || r.status === "failed" ? `${r.score}/${r.maxScore}` : "-"} |`,
    );
  for (const r of reports) lines.push("", renderExercise(r));
  return `${lines.join("\n")}\n`;
}

export function statusLabel(r: GradeReport): string {
  switch (r.status) {
    case "passed":
      return "✅ passed";
    case "failed":
      return "❌ failed";
    case "not-attempted":
      return "⏸️ not attempted";
    case "error":
      return "⚠️ grading error";
  }
}

/** One exercise: its checks, measurements and notes. */
export function renderExercise(r: GradeReport): string {
  const lines = [`### ${markdownInline(r.exercise)}: ${markdownInline(r.title)}`, ""];
  if (r.error)
    lines.push(
      `**Grading could not be done** (\`${r.error.code}\`): ${markdownInline(r.error.message)}`,
      ...(r.error.hint ? ["", `Next: ${markdownInline(r.error.hint)}`] : []),
      "",
    );
  if (r.status === "not-attempted") lines.push("The files are still as handed out.", "");
  if (r.checks.length > 0) {
    lines.push("| | check | points | what to know |", "| --- | --- | --- | --- |");
    for (const c of r.checks) {
      const mark = c.status === "passed" ? "✅" : c.status === "error" ? "⚠️" : "❌";
      const where = c.location
        ? ` (\`${c.location.file}${c.location.line ? `:${c.location.line}` : ""}\`)`
        : "";
      lines.push(
        `| ${mark} | \`${c.id}\` | ${c.points}/${c.maxPoints} | ${markdownInline(c.message)}${where} |`,
      );
    }
    const details = r.checks.filter((c) => c.details && c.details.length > 0 && c.status !== "passed");
    for (const c of details) {
      // Build logs are the learner's text: a fence longer than any backtick run in them, so
      // they cannot close it and have their own Markdown rendered.
      const body = (c.details ?? []).flatMap((d) => stripControl(d).split("\n"));
      const fence = fenceFor(body);
      lines.push(
        "",
        `<details><summary><code>${c.id}</code> details</summary>`,
        "",
        fence,
        ...body,
        fence,
        "</details>",
      );
    }
  }
  const m = Object.entries(r.measurements);
  if (m.length > 0)
    lines.push(
      "",
      "<details><summary>Measurements</summary>",
      "",
      "| measurement | value |",
      "| --- | --- |",
      ...m.map(([k, v]) => `| ${markdownInline(k)} | ${markdownInline(formatMeasurement(k, v))} |`),
      "",
      "</details>",
    );
  for (const n of r.notes) lines.push("", `> ${markdownInline(n)}`);
  if (r.flaggedEdits && r.flaggedEdits.length > 0) {
    lines.push(
      "",
      `> **Note:** this pull request also changes files outside the exercises' workspaces; they were not used for grading: ${r.flaggedEdits.map((f) => `\`${f}\``).join(", ")}`,
    );
  }
  return lines.join("\n");
}

/** Table cells must not break the table, and learner text stays text: no HTML, no code spans. */
