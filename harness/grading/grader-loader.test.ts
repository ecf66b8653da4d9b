import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listExercises } from "./exercise.ts";
import { loadGrader } from "./grader-loader.ts";

describe("graders found by convention", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "graders-"));
    await mkdir(join(root, "empty"));
    await writeFile(join(root, "empty", "grader.ts"), "export const other = 1;\n");
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it("loads every exercise's grader from graders/<name>/grader.ts", async () => {
    for (const exercise of await listExercises()) {
      const grader = await loadGrader(exercise);
      expect(grader.checks.length, exercise.id).toBeGreaterThan(0);
      expect(new Set(grader.checks.map((c) => c.id)).size, `${exercise.id}: duplicate check ids`).toBe(
        grader.checks.length,
      );
    }
  });

  it("says which file is missing, refuses a name that is a path, and a module that exports no grader", async () => {
    await expect(loadGrader({ id: "09-x", grader: "nope" }, root)).rejects.toThrow(
      /nope\/grader.ts does not exist/,
    );
    await expect(loadGrader({ id: "09-x", grader: "../x" }, root)).rejects.toThrow(/not a folder name/);
    await expect(loadGrader({ id: "09-x", grader: "empty" }, root)).rejects.toThrow(
      /does not export a grader/,
    );
  });
});
