import { readdir } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import type { GradeReport } from "./grade-report.ts";
import { gradeExercise } from "./run-grading.ts";

export interface BatchEntry {
  readonly learner: string;
  readonly report: GradeReport;
}

/**
 * Grades many learners' submissions of one exercise: every folder under `root` is one learner's
 * submission. Each gets its own builder; `jobs` run at once (each build is CPU-heavy).
 */
export async function gradeBatch(
  exercise: string,
  root: string,
  options: { jobs: number; onDone?: (entry: BatchEntry, done: number, total: number) => void },
): Promise<BatchEntry[]> {
  const learners = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
  const limit = pLimit(Math.max(1, options.jobs));
  let done = 0;
  return Promise.all(
    learners.map((learner) =>
      limit(async () => {
        const report = await gradeExercise(exercise, { submission: join(root, learner), force: true });
        const entry = { learner, report };
        options.onDone?.(entry, ++done, learners.length);
        return entry;
      }),
    ),
  );
}

/** A class list: one line per learner, for the instructor's terminal and a Markdown file. */
export function renderBatchTable(entries: readonly BatchEntry[]): string {
  const lines = ["| learner | status | score | failed checks |", "| --- | --- | --- | --- |"];
  for (const { learner, report } of entries) {
    const failed = report.checks.filter((c) => c.status !== "passed").map((c) => c.id);
    lines.push(
      `| ${learner} | ${report.status} | ${report.status === "error" ? "-" : `${report.score}/${report.maxScore}`} | ${report.error ? `${report.error.code}: ${report.error.message}` : failed.join(", ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
