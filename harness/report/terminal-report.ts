import { formatBytes, formatDuration } from "./format.ts";
import type { GradeReport } from "../grading/grade-report.ts";

/** A plain-text rendering for terminals and CI logs (colour only when asked for). */
export function renderTerminal(report: GradeReport, options: { color?: boolean } = {}): string {
  const c = options.color ? colors : plain;
  const lines: string[] = [];
  const head = `${report.exercise} - ${report.title}`;
  if (report.status === "error") {
    lines.push(c.red(`✗ ${head}: grading could not be done`));
    if (report.error)
      lines.push(
        `  ${report.error.code}: ${report.error.message}`,
        ...(report.error.hint ? [`  next: ${report.error.hint}`] : []),
      );
  } else if (report.status === "not-attempted") {
    lines.push(c.dim(`○ ${head}: not attempted`));
  } else {
    const mark = report.status === "passed" ? c.green("✓") : c.red("✗");
    lines.push(`${mark} ${head}: ${c.bold(`${report.score}/${report.maxScore}`)}`);
  }
  for (const check of report.checks) {
    const symbol =
      check.status === "passed" ? c.green("✓") : check.status === "error" ? c.yellow("!") : c.red("✗");
    const where = check.location
      ? c.dim(` (${check.location.file}${check.location.line ? `:${check.location.line}` : ""})`)
      : "";
    lines.push(`  ${symbol} ${`${check.points}/${check.maxPoints}`.padStart(5)}  ${check.id}${where}`);
    lines.push(`           ${check.message}`);
    for (const d of check.details ?? []) lines.push(c.dim(`             ${d}`));
  }
  const m = Object.entries(report.measurements);
  if (m.length > 0) {
    lines.push("  measurements:");
    for (const [k, v] of m) lines.push(`    ${k.padEnd(32)} ${formatMeasurement(k, v)}`);
  }
  for (const n of report.notes) lines.push(c.dim(`  note: ${n}`));
  return lines.join("\n");
}

export function formatMeasurement(key: string, value: number | string | boolean): string {
  if (typeof value !== "number") return String(value);
  if (key.endsWith("Ms")) return formatDuration(value);
  if (key.endsWith("bytes") || key.endsWith("Bytes")) return formatBytes(value);
  return String(value);
}

const id = (s: string): string => s;
const plain = { red: id, green: id, yellow: id, dim: id, bold: id };
const wrap =
  (code: number) =>
  (s: string): string =>
    `\u001b[${code}m${s}\u001b[0m`;
const colors = { red: wrap(31), green: wrap(32), yellow: wrap(33), dim: wrap(2), bold: wrap(1) };
