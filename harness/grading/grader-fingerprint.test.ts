import { appendFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./exercise.ts";
import { graderFingerprint } from "./grader-fingerprint.ts";

// Copies of the course, each changed one way: what must and must not change the fingerprint.
const EXERCISE = "01-cache-mounts";
let dir: string;

async function course(name: string, change?: (root: string) => Promise<void>): Promise<string> {
  const root = join(dir, name);
  for (const part of ["harness", "graders/cache-mounts", `exercises/${EXERCISE}`, "package-lock.json"])
    await cp(join(REPO_ROOT, part), join(root, part), { recursive: true });
  await change?.(root);
  return graderFingerprint(EXERCISE, root);
}

describe("a grader's fingerprint", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fingerprint-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is the same for the same code wherever it lies, and for changes to prose and tests", async () => {
    const own = await graderFingerprint(EXERCISE);
    expect(own).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await course("copy")).toBe(own);
    expect(
      await course("prose", async (root) => {
        await appendFile(join(root, "graders/cache-mounts/grader.test.ts"), "\n// a new test\n");
        await appendFile(join(root, `exercises/${EXERCISE}/README.md`), "\nA clearer sentence.\n");
      }),
    ).toBe(own);
  });

  it("changes with the grader, the harness, the declaration and the locked dependencies", async () => {
    const own = await graderFingerprint(EXERCISE);
    const changed = [
      await course("grader", (root) => appendFile(join(root, "graders/cache-mounts/checks.ts"), "\n")),
      await course("harness", (root) => appendFile(join(root, "harness/grading/scorecard.ts"), "\n")),
      await course("declaration", (root) =>
        appendFile(join(root, `exercises/${EXERCISE}/exercise.json`), "\n"),
      ),
      await course("lock", (root) => appendFile(join(root, "package-lock.json"), "\n")),
    ];
    for (const fingerprint of changed) expect(fingerprint).not.toBe(own);
    expect(new Set(changed).size).toBe(changed.length);
  });
});
