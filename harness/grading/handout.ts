import type { Exercise } from "./exercise.ts";
import { join } from "node:path";
import { fileHash } from "./submission.ts";

/** A learner file whose recorded handout hash is not the workspace's. */
export interface HandoutDrift {
  readonly file: string;
  readonly recorded: string | undefined;
  readonly actual: string | undefined;
}

/** sha256 of each learner file as it stands in the exercise's workspace. */
export async function handoutHashes(exercise: Exercise): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of exercise.learnerFiles) {
    const hash = await fileHash(join(exercise.workspace, file));
    if (hash !== undefined) out[file] = hash;
  }
  return out;
}

/** Where exercise.json's handout disagrees with the workspace (empty when it agrees). */
export async function handoutDrift(exercise: Exercise): Promise<HandoutDrift[]> {
  const actual = await handoutHashes(exercise);
  const files = [...new Set([...exercise.learnerFiles, ...Object.keys(exercise.handout)])];
  return files
    .map((file) => ({ file, recorded: exercise.handout[file], actual: actual[file] }))
    .filter((d) => d.recorded !== d.actual);
}
