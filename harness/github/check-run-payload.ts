import type { GradeReport } from "../grading/grade-report.ts";
import { renderExercise, statusLabel } from "../report/markdown-report.ts";
import { markdownInline, stripControl, truncate, workspacePath } from "../report/safe-text.ts";

/** GitHub's limits: 50 annotations per request, 65535 characters per output field. */
export const ANNOTATIONS_PER_REQUEST = 50;
const MAX_TEXT = 65_535;

export interface Annotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: "notice" | "warning" | "failure";
  readonly message: string;
  readonly title: string;
}

export interface CheckRunPayload {
  readonly name: string;
  readonly conclusion: "success" | "failure" | "neutral" | "action_required";
  readonly output: { readonly title: string; readonly summary: string; readonly text: string };
  readonly annotations: readonly Annotation[];
  readonly external_id: string;
}

/** The check run's name for an exercise: re-runs find and update it by this name. */
export function checkName(exercise: string): string {
  return `grade: ${exercise}`;
}

/** Pure: a report as a check run; annotations point at files in the exercise's workspace. */
export function checkRunPayload(
  report: GradeReport,
  options: { workspacePrefix: (exercise: string) => string },
): CheckRunPayload {
  const conclusion =
    report.status === "passed"
      ? "success"
      : report.status === "failed"
        ? "failure"
        : report.status === "not-attempted"
          ? "neutral"
          : "action_required";
  const title =
    report.status === "error"
      ? `Grading could not be done: ${report.error?.code ?? "error"}`
      : report.status === "not-attempted"
        ? "Not attempted"
        : `${report.score}/${report.maxScore} points, ${report.checks.filter((c) => c.status !== "passed").length} check(s) to fix`;
  // The error's message and hint can quote the learner's file names: inert, like the title.
  const summary = `${statusLabel(report)}: **${markdownInline(report.title)}**${report.status === "passed" || report.status === "failed" ? `, ${report.score}/${report.maxScore} points` : ""}.${report.error ? `\n\n${markdownInline(report.error.message)}${report.error.hint ? `\n\nNext: ${markdownInline(report.error.hint)}` : ""}` : ""}`;
  const annotations: Annotation[] = report.checks.flatMap((c) => {
    // A path that leaves the workspace gets no annotation (its message is in the text anyway).
    const file = c.status !== "passed" && c.location ? workspacePath(c.location.file) : undefined;
    if (file === undefined) return [];
    const line = c.location?.line ?? 1;
    return [
      {
        path: `${options.workspacePrefix(report.exercise)}${file}`,
        start_line: line,
        end_line: Math.max(line, c.location?.endLine ?? line),
        annotation_level: c.status === "error" ? "warning" : "failure",
        message: truncate(stripControl(c.message), 64_000),
        title: truncate(`${c.id} (${c.points}/${c.maxPoints})`, 255),
      },
    ];
  });
  return {
    name: checkName(report.exercise),
    conclusion,
    output: {
      title: truncate(title, 1000),
      summary: truncate(summary, MAX_TEXT),
      text: truncate(renderExercise(report), MAX_TEXT),
    },
    annotations,
    external_id: report.exercise,
  };
}

/** A check with no score, for an exercise whose grade cannot be trusted or was not produced. */
export function notGradedPayload(exercise: string, title: string, text: string): CheckRunPayload {
  return {
    name: checkName(exercise),
    conclusion: "action_required",
    output: {
      title: truncate(stripControl(title), 1000),
      summary: truncate(stripControl(text), MAX_TEXT),
      text: "",
    },
    annotations: [],
    external_id: exercise,
  };
}

export function batches<T>(items: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
