import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckSpec } from "../check.ts";
import { Scorecard } from "../scorecard.ts";

/** A fixture's files laid over the solution, read on demand: no copy, no engine. */
export type FixtureFiles = (path: string) => string | undefined;

export interface StaticFixtureOptions {
  readonly checks: readonly CheckSpec[];
  /** The grader's static part, on the composed files. */
  readonly judge: (files: FixtureFiles, card: Scorecard) => void;
  /** Checks a fixture's static verdict cannot be judged on without the engine, with the reason. */
  readonly skip?: (files: FixtureFiles, fixture: string) => readonly string[];
}

/**
 * The static half of each grader's proof, in seconds: for the reference solution, every correct
 * fixture and every known-wrong fixture, the static checks fail exactly where expected.json says
 * (restricted to static checks). The behaviour half runs on the engine (describeGraderFixtures).
 */
export function describeStaticFixtures(exerciseDir: string, options: StaticFixtureOptions): void {
  const staticIds = options.checks.filter((c) => c.kind === "static").map((c) => c.id);
  const cases = [
    { name: "solution", dir: undefined as string | undefined, failing: [] as string[] },
    ...["correct", "wrong"].flatMap((kind) =>
      listDirs(join(exerciseDir, kind)).map((name) => {
        const dir = join(exerciseDir, kind, name);
        const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as {
          failing: string[];
        };
        return { name: `${kind}/${name}`, dir, failing: expected.failing };
      }),
    ),
  ];
  describe(`${exerciseDir.split("/").pop() ?? exerciseDir}: static checks on every fixture`, () => {
    for (const fixture of cases) {
      it(fixture.name, () => {
        const files: FixtureFiles = (path) => {
          for (const root of [fixture.dir, join(exerciseDir, "solution")]) {
            if (root === undefined) continue;
            const file = join(root, path);
            if (existsSync(file)) return readFileSync(file, "utf8");
          }
          return undefined;
        };
        const skipped = new Set(options.skip?.(files, fixture.name) ?? []);
        const card = new Scorecard(options.checks);
        options.judge(files, card);
        const failed = card
          .all()
          .filter((c) => staticIds.includes(c.id) && !skipped.has(c.id) && c.status !== "passed")
          .map((c) => `${c.id}:${c.status}`);
        const expected = fixture.failing
          .filter((id) => staticIds.includes(id) && !skipped.has(id))
          .map((id) => `${id}:failed`);
        expect(failed.sort()).toEqual(expected.sort());
      });
    }
  });
}

function listDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
