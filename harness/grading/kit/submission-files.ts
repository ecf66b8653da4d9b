import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readBakeFile } from "../../buildx/bake-file.ts";
import type { Exercise } from "../exercise.ts";
import type { SubmissionFiles } from "../grader.ts";
import { decodeTextFile } from "./text-file.ts";

/** Text files above this size are not read for static checks (a Dockerfile is a few KiB). */
const MAX_STATIC_BYTES = 1024 * 1024;

/**
 * Reads the files static checks look at (the exercise's learner files plus `extra`) from a
 * prepared submission folder, once. A file that is there but is not text (binary, not UTF-8, too
 * large) has no text, and `unreadable` says why. An
 * exercise that declares a bake file also gets it as `buildx bake --print` resolves it.
 */
export async function readSubmissionFiles(
  dir: string,
  exercise: Exercise,
  extra: readonly string[] = [],
): Promise<SubmissionFiles> {
  const texts = new Map<string, string>();
  const problems = new Map<string, string>();
  for (const path of new Set([...exercise.learnerFiles, ...extra])) {
    const buffer = await readFile(join(dir, path)).catch(() => undefined);
    if (buffer === undefined) continue;
    const read = decodeTextFile(buffer, MAX_STATIC_BYTES);
    if ("text" in read) texts.set(path, read.text);
    else problems.set(path, read.problem);
  }
  const files = filesFromMap(exercise, texts, problems);
  if (!exercise.bake) return files;
  const bakeFile = await readBakeFile(dir, exercise.bake.file, exercise.bake.variables);
  return { ...files, bakeFile };
}

/** Files given as a map: for tests and for callers that already hold the texts. */
export function filesFromMap(
  exercise: Exercise,
  texts: ReadonlyMap<string, string>,
  problems: ReadonlyMap<string, string> = new Map(),
): SubmissionFiles {
  return { exercise, text: (path) => texts.get(path), unreadable: (path) => problems.get(path) };
}
