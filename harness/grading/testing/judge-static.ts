import type { CheckResult } from "../check.ts";
import type { Exercise } from "../exercise.ts";
import type { Grader } from "../grader.ts";
import { filesFromMap } from "../kit/submission-files.ts";
import { Scorecard } from "../scorecard.ts";

/** Runs a grader's static part on files given inline; returns its static results by id. */
export function judgeStatic(
  grader: Grader,
  exercise: Exercise,
  files: Readonly<Record<string, string>>,
): Map<string, CheckResult> {
  const card = new Scorecard(grader.checks);
  grader.gradeStatic(filesFromMap(exercise, new Map(Object.entries(files))), card);
  const staticIds = new Set(grader.checks.filter((c) => c.kind === "static").map((c) => c.id));
  return new Map(
    card
      .all()
      .filter((c) => staticIds.has(c.id))
      .map((c) => [c.id, c]),
  );
}

/** The static checks that did not pass, sorted. */
export function failedIds(results: Map<string, CheckResult>): string[] {
  return [...results.values()]
    .filter((c) => c.status !== "passed")
    .map((c) => c.id)
    .sort();
}
