import { createHash } from "node:crypto";
import { lstat, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InvalidSubmissionError } from "../errors.ts";
import type { Exercise } from "./exercise.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { copyTree, SUBMISSION_LIMITS } from "./copy-tree.ts";

/** A learner's submission laid over the handed-out project, in a scratch copy the grader may change. */
export interface PreparedSubmission {
  readonly dir: string;
  /** false while every learner file is exactly as handed out. */
  readonly attempted: boolean;
  /** Learner files the submission lacks (taken from the handout instead). */
  readonly missing: readonly string[];
  readonly source: string;
  dispose(): Promise<void>;
}

/** Never sent to a build: local installs and VCS data. */
const SKIP = new Set(["node_modules", ".git", "dist"]);

export async function prepareSubmission(
  exercise: Exercise,
  submission?: string,
): Promise<PreparedSubmission> {
  const source = resolve(submission ?? exercise.workspace);
  const stat = await lstat(source).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new InvalidSubmissionError(`the submission folder ${source} does not exist`, {
      hint: "Pass --submission DIR with the folder that holds your Dockerfile",
    });
  const dir = await mkdtemp(join(tmpdir(), `submission-${exercise.id}-`));
  // Registered so that Ctrl-C in the middle of grading still removes the scratch copy.
  const dispose = registerDisposer(`submission copy ${dir}`, () => rm(dir, { recursive: true, force: true }));
  fallback(dispose, [{ remove: dir }]);
  try {
    // The handout is the project's own; the learner's folder is data: no link, device or FIFO
    // is copied, and the size limit stops the copy itself.
    await copyTree(exercise.workspace, dir, { skip: SKIP });
    const missing: string[] = [];
    if (source !== resolve(exercise.workspace)) {
      for (const file of exercise.learnerFiles) {
        if (!(await lstat(join(source, file)).catch(() => undefined))) missing.push(file);
      }
      await copyTree(source, dir, { skip: SKIP, limits: SUBMISSION_LIMITS });
    }
    await refuseNonFiles(exercise.learnerFiles, dir);
    const attempted = !(await matchesHandout(exercise, dir));
    return { dir, attempted, missing, source, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Every learner file the graders read must be a regular file where it exists (a folder named Dockerfile is not). */
async function refuseNonFiles(files: readonly string[], dir: string): Promise<void> {
  for (const file of files) {
    const stat = await lstat(join(dir, file)).catch(() => undefined);
    if (stat !== undefined && !stat.isFile())
      throw new InvalidSubmissionError(
        `${file} is ${stat.isDirectory() ? "a folder" : "not a regular file"}; the exercise reads it as a file`,
        {
          hint: `Put your ${file} there as a regular file`,
        },
      );
  }
}

export async function matchesHandout(exercise: Exercise, dir: string): Promise<boolean> {
  for (const file of exercise.learnerFiles) {
    const expected = exercise.handout[file];
    const actual = await fileHash(join(dir, file));
    if (expected !== actual) return false;
  }
  return true;
}

/** sha256 of a file, or undefined when it does not exist. */
export async function fileHash(path: string): Promise<string | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  return bytes === undefined ? undefined : createHash("sha256").update(bytes).digest("hex");
}
