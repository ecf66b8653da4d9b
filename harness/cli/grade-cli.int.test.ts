import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { waitUntil } from "../util/wait-until.ts";
import { findLeftoverProcesses } from "../engine/leftovers.ts";
import { loadExercise, REPO_ROOT } from "../grading/exercise.ts";
import { composeSubmission, listWrongFixtures } from "../grading/fixtures.ts";

// The `grade` command as a learner or an instructor runs it: exit statuses, files written, and
// Ctrl-C in the middle of a build leaving nothing behind.
const grade = join(REPO_ROOT, "bin/grade.js");
let out: string;
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), "grade-out-"));
});
afterAll(async () => rm(out, { recursive: true, force: true }));

const run = (args: string[]) =>
  exec(process.execPath, [grade, ...args, "--out", out], {
    reject: false,
    timeoutMs: 600_000,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/root" },
  });

describe("grade command", () => {
  it("exits 2 with what to do for an unknown exercise or a missing folder", async () => {
    const unknown = await run(["no-such-exercise"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("grade --list");
    const missing = await run(["03-build-secrets", "--submission", "/nonexistent/folder"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toContain("INVALID_SUBMISSION");
  });

  it("exits 1 when a check fails, and writes the JSON, Markdown and JUnit reports", async () => {
    const exercise = await loadExercise("03-build-secrets");
    const fixture = (await listWrongFixtures(exercise)).find((f) => f.name === "secret-copied-into-image");
    const submission = await composeSubmission(exercise, fixture?.dir);
    try {
      const result = await run(["03-build-secrets", "--submission", submission.dir, "--json"]);
      expect(result.exitCode).toBe(1);
      // --json: one JSON document on stdout, for scripts, and no progress lines on stderr.
      const printed = JSON.parse(result.stdout) as {
        checks: { id: string; status: string; points: number }[];
      };
      expect(printed.checks.find((c) => c.id === "leak.layers")).toMatchObject({
        status: "failed",
        points: 0,
      });
      expect(result.stderr).not.toContain("[03-build-secrets]");
      const report = JSON.parse(await readFile(join(out, "03-build-secrets.json"), "utf8")) as {
        status: string;
      };
      expect(report.status).toBe("failed");
      expect((await readdir(out)).sort()).toEqual([
        "03-build-secrets.json",
        "index.html",
        "junit.xml",
        "summary.md",
      ]);
    } finally {
      await submission.dispose();
    }
  });

  it("removes engine, registries and scratch copies on SIGINT mid-build", async () => {
    // Its own TMPDIR: whatever the run creates (engine, registries, copies) lands there, apart
    // from other tests running at the same time.
    const scratch = await mkdtemp(join(tmpdir(), "sigint-"));
    const exercise = await loadExercise("03-build-secrets");
    const submission = await composeSubmission(exercise);
    try {
      const child = spawn(
        process.execPath,
        [grade, "03-build-secrets", "--submission", submission.dir, "--out", out],
        { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TMPDIR: scratch } },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => {
          resolve(code);
        }),
      );
      let sawBuild = false;
      for await (const line of createInterface({ input: child.stderr })) {
        if (/build \d+\/\d+/.test(line)) {
          sawBuild = true;
          break;
        }
      }
      expect(sawBuild).toBe(true);
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      // The reaper watching the grader notices within a moment that it ended cleanly, and exits.
      await waitUntil(async () => (await findLeftoverProcesses(scratch)).length === 0, { timeoutMs: 10_000 });
      expect(await findLeftoverProcesses(scratch)).toEqual([]);
      // tsx keeps its compile cache in TMPDIR; everything else must be gone.
      expect((await readdir(scratch)).filter((d) => !d.startsWith("tsx-"))).toEqual([]);
    } finally {
      await submission.dispose();
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
