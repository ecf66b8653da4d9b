import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stripSyntaxDirective } from "../buildx/syntax-directive.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { archiveHosts, egressHosts, type Exercise } from "../grading/exercise.ts";

/**
 * The engine a raw baseline builds on: a fresh one, as the grader's run gets, with the same
 * mirror and the same egress to the exercise's package registries.
 */
export function openRawEnvironment(
  exercise: Exercise,
  mirror: string | undefined,
): Promise<BuildEnvironment> {
  return openEnvironment({
    mirror,
    egressHosts: egressHosts(exercise.network),
    archiveHosts: archiveHosts(exercise.network),
  });
}

/** Offline the raw tool cannot pull a `# syntax=` frontend either: the Dockerfile gets the built-in one, as the grader's builds do. */
export async function useBuiltInFrontend(dir: string, dockerfile = "Dockerfile"): Promise<void> {
  const path = join(dir, dockerfile);
  await writeFile(path, stripSyntaxDirective(await readFile(path, "utf8")).text);
}
