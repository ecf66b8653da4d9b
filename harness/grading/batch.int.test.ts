import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch, renderBatchTable } from "./batch.ts";
import { readClassResults } from "./class-results.ts";
import { loadExercise } from "./exercise.ts";
import type { GradeReport } from "./grade-report.ts";
import { listWrongFixtures } from "./fixtures.ts";

// An instructor's batch: one folder per learner, graded concurrently, each in its own builder.
describe("batch grading", () => {
  let root: string;
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), "class-out-"));
    const exercise = await loadExercise("03-build-secrets");
    root = await mkdtemp(join(tmpdir(), "class-"));
    await cp(join(exercise.dir, "solution"), join(root, "ada"), { recursive: true });
    const leaky = (await listWrongFixtures(exercise)).find((f) => f.name === "label");
    if (!leaky) throw new Error("fixture missing");
    await cp(join(exercise.dir, "solution"), join(root, "bob"), { recursive: true });
    await cp(leaky.dir, join(root, "bob"), { recursive: true, force: true });
    await cp(join(exercise.dir, "solution"), join(root, "cy"), { recursive: true });
    await rm(join(root, "cy", "docker-bake.hcl"));
    await cp(join(exercise.dir, "workspace", "docker-bake.hcl"), join(root, "cy", "docker-bake.hcl"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  });

  it("grades every learner and lists them", async () => {
    const progress: string[] = [];
    const entries = await gradeBatch("03-build-secrets", root, {
      jobs: 2,
      out: join(out, "single"),
      onDone: (e, done, total) => progress.push(`${done}/${total} ${e.learner}`),
    });
    expect(entries.map((e) => [e.learner, e.report.status])).toEqual([
      ["ada", "passed"],
      ["bob", "failed"],
      ["cy", "failed"],
    ]);
    expect(progress).toHaveLength(3);
    const table = renderBatchTable(entries);
    expect(table).toContain("| ada | passed | 20/20 |");
    expect(table).toMatch(
      /\| bob \| failed \| \d+\/20 \| static\.no-secret-args, leak\.history, leak\.config, leak\.attestation/,
    );

    // Two shards over the same class and output: each learner falls in exactly one, nothing
    // changed so nothing is graded again, and the merged class is the single run's.
    const shards = [];
    for (const index of [1, 2])
      shards.push(
        await gradeBatch("03-build-secrets", root, {
          jobs: 2,
          out: join(out, "single"),
          shard: { index, count: 2 },
        }),
      );
    const sharded = shards.flat();
    expect(sharded.map((e) => e.learner).sort()).toEqual(["ada", "bob", "cy"]);
    expect(sharded.every((e) => e.reused)).toBe(true);
    const merged = await readClassResults([join(out, "single")]);
    expect(merged.problems).toEqual([]);
    const summary = (list: readonly { learner: string; report: GradeReport }[]) =>
      list.map(({ learner, report }) => [
        learner,
        report.status,
        report.score,
        report.checks.map((c) => `${c.id}:${c.points}`),
      ]);
    expect(summary(merged.entries)).toEqual(summary(entries));
  });
});
