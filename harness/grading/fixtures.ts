import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Exercise } from "./exercise.ts";

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
