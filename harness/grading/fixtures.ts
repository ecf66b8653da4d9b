import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exercise } from "./exercise.ts";
import type { GradeReport } from "./grade-report.ts";
import { gradeExercise } from "./run-grading.ts";
import { validateReport } from "../report/report-schema.ts";

/** A known-wrong submission kept with an exercise: only the files that differ from the solution. */
export interface WrongFixture {
  readonly name: string;
  readonly dir: string;
  readonly mistake: string;
  /** Exactly the checks this mistake must fail. */
  readonly failing: readonly string[];
}

export async function listWrongFixtures(exercise: Exercise): Promise<WrongFixture[]> {
  return listFixtureDir(join(exercise.dir, "wrong"));
}

/** Tricky submissions that are right and must get full marks (`failing` is empty). */
export async function listCorrectFixtures(exercise: Exercise): Promise<WrongFixture[]> {
  return listFixtureDir(join(exercise.dir, "correct"));
}

async function listFixtureDir(root: string): Promise<WrongFixture[]> {
  const names = (await readdir(root, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const expected = JSON.parse(await readFile(join(root, name, "expected.json"), "utf8")) as {
        mistake: string;
        failing: string[];
      };
      return { name, dir: join(root, name), mistake: expected.mistake, failing: expected.failing };
    }),
  );
}

/** The reference solution with a fixture's files laid over it, in a temp folder. */
export async function composeSubmission(
  exercise: Exercise,
  fixtureDir?: string,
): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `fixture-${exercise.id}-`));
  await cp(join(exercise.dir, "solution"), dir, { recursive: true });
  if (fixtureDir)
    await cp(fixtureDir, dir, {
      recursive: true,
      force: true,
      filter: (src) => !src.endsWith("expected.json"),
    });
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Grades the reference solution, or a fixture laid over it, as a forced run. */
export async function gradeFixture(exercise: Exercise, fixture?: WrongFixture): Promise<GradeReport> {
  const submission = await composeSubmission(exercise, fixture?.dir);
  try {
    const report = await gradeExercise(exercise.id, { submission: submission.dir, force: true });
    // Every report the tests produce must meet the published schema.
    const valid = validateReport(JSON.parse(JSON.stringify(report)));
    if (!valid.ok) throw new Error(`the report does not meet the schema: ${valid.errors.join("; ")}`);
    return report;
  } finally {
    await submission.dispose();
  }
}

/** The checks that did not pass, as `id:status`, sorted: what fixture tests compare. */
export function notPassed(report: GradeReport): string[] {
  return report.checks
    .filter((c) => c.status !== "passed")
    .map((c) => `${c.id}:${c.status}`)
    .sort();
}
