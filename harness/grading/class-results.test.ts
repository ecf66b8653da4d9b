import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_FAILED } from "../report/sample-reports.ts";
import { gradeBatch, gradeKey, KEY_FILE } from "./batch.ts";
import { readClassResults, writeClassOutputs } from "./class-results.ts";
import { hashTree } from "./content-hash.ts";
import type { GradeReport } from "./grade-report.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "class-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function shardOutput(name: string, learners: Record<string, GradeReport | string>): Promise<string> {
  const dir = join(root, name);
  for (const [learner, report] of Object.entries(learners)) {
    await mkdir(join(dir, learner), { recursive: true });
    await writeFile(
      join(dir, learner, `${SAMPLE_FAILED.exercise}.json`),
      typeof report === "string" ? report : JSON.stringify(report),
    );
  }
  return dir;
}

describe("merging shards", () => {
  it("gives one class, sorted by learner, and writes every class view", async () => {
    const a = await shardOutput("a", { cy: SAMPLE_FAILED, ada: SAMPLE_FAILED });
    const b = await shardOutput("b", { bob: { ...SAMPLE_FAILED, score: 25, status: "passed" } });
    const results = await readClassResults([a, b]);
    expect(results.problems).toEqual([]);
    expect(results.exercise).toBe(SAMPLE_FAILED.exercise);
    expect(results.entries.map((e) => e.learner)).toEqual(["ada", "bob", "cy"]);
    const out = join(root, "class");
    const table = await writeClassOutputs(out, SAMPLE_FAILED.exercise, results.entries);
    expect(table).toMatch(/\| bob \| passed \| 25\/25 \|/);
    expect((await readdir(out)).sort()).toEqual(
      [
        `${SAMPLE_FAILED.exercise}-class.csv`,
        `${SAMPLE_FAILED.exercise}-class.md`,
        "index.html",
        "junit.xml",
      ].sort(),
    );
  });

  it("names a learner graded in two shards, a report that is not one, and another exercise", async () => {
    const a = await shardOutput("a", { ada: SAMPLE_FAILED, bob: "{not json" });
    const b = await shardOutput("b", {
      ada: SAMPLE_FAILED,
      cy: { ...SAMPLE_FAILED, exercise: "02-multi-platform" },
    });
    const results = await readClassResults([a, b]);
    expect(results.entries.map((e) => e.learner)).toEqual(["ada"]);
    expect(results.problems).toHaveLength(3);
    expect(results.problems.join("\n")).toMatch(/ada is in .* and in .*shards must not overlap/);
    expect(results.problems.join("\n")).toMatch(/bob/);
    expect(results.problems.join("\n")).toMatch(/grades 02-multi-platform/);
  });

  it("says a folder is missing rather than crashing", async () => {
    const results = await readClassResults([join(root, "nowhere")]);
    expect(results.problems[0]).toMatch(/nowhere/);
    expect(results.exercise).toBeUndefined();
  });
});

describe("re-running a batch", () => {
  it("keeps the report of a submission whose content and grader are unchanged, without grading it", async () => {
    const exercise = "03-build-secrets";
    const submission = join(root, "class", "ada");
    await mkdir(submission, { recursive: true });
    await writeFile(join(submission, "Dockerfile"), "FROM busybox\n");
    const out = join(root, "out");
    const report: GradeReport = { ...SAMPLE_FAILED, exercise };
    await mkdir(join(out, "ada"), { recursive: true });
    await writeFile(join(out, "ada", `${exercise}.json`), JSON.stringify(report));
    await writeFile(join(out, "ada", KEY_FILE), JSON.stringify(await gradeKey(exercise, submission)));
    // No engine is needed: the only learner's report is reused.
    const entries = await gradeBatch(exercise, join(root, "class"), { jobs: 1, out });
    expect(entries).toEqual([{ learner: "ada", report, reused: true }]);
  });

  it("sees any change of content as a new submission", async () => {
    const dir = join(root, "s");
    await mkdir(dir);
    await writeFile(join(dir, "Dockerfile"), "FROM busybox\n");
    const first = await hashTree(dir);
    expect(await hashTree(dir)).toBe(first);
    await writeFile(join(dir, "Dockerfile"), "FROM busybox \n");
    expect(await hashTree(dir)).not.toBe(first);
    await rm(join(dir, "Dockerfile"));
    await writeFile(join(dir, "Dockerfile2"), "FROM busybox \n");
    expect(await hashTree(dir)).not.toBe(first);
  });
});
