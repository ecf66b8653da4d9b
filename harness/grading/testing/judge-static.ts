import type { CheckResult } from "../check.ts";
import type { Exercise } from "../exercise.ts";
import type { Grader } from "../grader.ts";
import { filesFromMap } from "../kit/submission-files.ts";
import { Scorecard } from "../scorecard.ts";

/** Runs a grader's static part on files given inline; returns its static results by id. */
export function judgeStatic(
  grader: Grader,
  exercise: Exercise,
  /** path -> text; an undefined text stands for a file the submission lacks. */
  files: Readonly<Record<string, string | undefined>>,
): Map<string, CheckResult> {
  const card = new Scorecard(grader.checks);
  const present = Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined);
  grader.gradeStatic(filesFromMap(exercise, new Map(present)), card);
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
