import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hashTree } from "./content-hash.ts";
import { loadExercise, REPO_ROOT } from "./exercise.ts";

/** Names that never change a verdict: tests, their doubles and data, benchmarks, prose, the poster. */
function notGradingCode(name: string): boolean {
  return (
    name.endsWith(".test.ts") ||
    name.endsWith(".md") ||
    name === "testing" ||
    name === "testdata" ||
    name === "bench" ||
    name === "github"
  );
}

// The harness is shared by every exercise: hashed once per process (its files do not change
// under a running grader).
const harnessHashes = new Map<string, Promise<string>>();
function harnessHash(root: string): Promise<string> {
  let hash = harnessHashes.get(root);
  if (!hash) {
    hash = hashTree(join(root, "harness"), { skip: notGradingCode });
    harnessHashes.set(root, hash);
  }
  return hash;
}

/**
 * Which grader graded an exercise, by content: the harness, the exercise's grader and its
 * declaration, and the locked dependencies. The trusted poster compares a report's fingerprint
 * with its own, so a re-run of an old grading run (an older grader) gets no score, while a
 * commit that changes only prose or tests keeps every score valid.
 */
export async function graderFingerprint(exerciseId: string, root = REPO_ROOT): Promise<string> {
  const exercise = await loadExercise(exerciseId, join(root, "exercises"));
  const hash = createHash("sha256");
  hash.update(`harness ${await harnessHash(root)}\n`);
  hash.update(`grader ${await hashTree(join(root, "graders", exercise.grader), { skip: notGradingCode })}\n`);
  for (const file of [join(exercise.dir, "exercise.json"), join(root, "package-lock.json")]) {
    const text = await readFile(file);
    hash.update(`file ${String(text.length)}\n`);
    hash.update(text);
  }
  return `sha256:${hash.digest("hex")}`;
}
