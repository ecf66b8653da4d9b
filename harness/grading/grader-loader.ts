import { access } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GraderError } from "../errors.ts";
import type { Exercise } from "./exercise.ts";
import { REPO_ROOT } from "./exercise.ts";
import type { Grader } from "./grader.ts";

export const GRADERS_DIR = join(REPO_ROOT, "graders");

/** What a grader's name may be: a folder name, never a path. */
const GRADER_NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Finds an exercise's grader by convention: `graders/<exercise.grader>/grader.ts` exports
 * `grader`. The harness never imports a grader by name, so adding an exercise touches
 * `exercises/<id>/` and `graders/<name>/` only.
 */
export async function loadGrader(
  exercise: Pick<Exercise, "id" | "grader">,
  root = GRADERS_DIR,
): Promise<Grader> {
  if (!GRADER_NAME.test(exercise.grader))
    throw new GraderError(
      "UNKNOWN_EXERCISE",
      `exercise ${exercise.id} names the grader "${exercise.grader}", which is not a folder name`,
    );
  const file = join(root, exercise.grader, "grader.ts");
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists)
    throw new GraderError(
      "UNKNOWN_EXERCISE",
      `exercise ${exercise.id} names the grader "${exercise.grader}", but ${file} does not exist`,
      {
        hint: `Create graders/${exercise.grader}/grader.ts exporting "grader", or fix "grader" in exercises/${exercise.id}/exercise.json`,
      },
    );
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new GraderError("CHECK_CRASHED", `graders/${exercise.grader}/grader.ts could not be loaded`, {
      cause: error,
    });
  }
  const grader = isRecord(module) ? module["grader"] : undefined;
  if (!isGrader(grader))
    throw new GraderError(
      "UNKNOWN_EXERCISE",
      `graders/${exercise.grader}/grader.ts does not export a grader (a "grader" with checks and grade())`,
    );
  return grader;
}

/** Each exercise's grader, for tools that need every exercise's checks (posting, handouts). */
export async function loadGraders(
  exercises: readonly Pick<Exercise, "id" | "grader">[],
): Promise<Map<string, Grader>> {
  const graders = new Map<string, Grader>();
  for (const exercise of exercises) graders.set(exercise.id, await loadGrader(exercise));
  return graders;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isGrader(value: unknown): value is Grader {
  return (
    isRecord(value) &&
    Array.isArray(value["checks"]) &&
    typeof value["grade"] === "function" &&
    typeof value["needsEngine"] === "boolean"
  );
}
