import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { errorMessage, GraderError } from "../errors.ts";
import { checkDeclaration } from "./exercise-schema.ts";

/** An exercise as its `exercise.json` declares it (content lives in `exercises/<id>/`). */
export interface Exercise {
  readonly id: string;
  readonly title: string;
  /** Which grader in `graders/` scores it. */
  readonly grader: string;
  /** Files the learner is expected to change, relative to the workspace. */
  readonly learnerFiles: readonly string[];
  /** sha256 of each learner file as handed out: unchanged files mean "not attempted". */
  readonly handout: Readonly<Record<string, string>>;
  /**
   * What RUN steps reach: nothing; ("services") only the run's own services, such as its Git
   * server; or ("npm") those and the npm registry over HTTPS and Debian's archive over HTTP
   * (reads only) through the run's proxy.
   */
  readonly network: ExerciseNetwork;
  readonly platforms: readonly string[];
  readonly buildTimeoutSeconds: number;
  /**
   * A bake file the static checks read as `docker buildx bake --print` resolves it (no engine
   * needed), with these variables set: `SubmissionFiles.bakeFile`.
   */
  readonly bake: { readonly file: string; readonly variables: Readonly<Record<string, string>> } | undefined;
  /** For exercises whose image is a service: how to ask it whether it is healthy. */
  readonly service: { readonly healthPath: string; readonly portVariable: string } | undefined;
  /** Absolute paths. */
  readonly dir: string;
  readonly workspace: string;
}

export type ExerciseNetwork = "none" | "services" | "npm";

/**
 * GRADER_TIMEOUT_FACTOR stretches every exercise's build time limit, for a grading machine that
 * is slower or busier than a learner's (a loaded CI runner, a class graded several at a time).
 */
export function timeoutFactor(env: Readonly<Record<string, string | undefined>>): number {
  const text = env["GRADER_TIMEOUT_FACTOR"];
  if (text === undefined || text === "") return 1;
  const factor = Number(text);
  if (!Number.isFinite(factor) || factor < 1 || factor > 10)
    throw new GraderError(
      "INVALID_SUBMISSION",
      `GRADER_TIMEOUT_FACTOR=${text} is not a number from 1 to 10`,
      {
        hint: "Unset it, or give e.g. 1.5 to allow half as much time again",
      },
    );
  return factor;
}

/** The npm registry RUN steps may reach when an exercise's network is "npm" (GRADER_NPM_REGISTRY). */
export function npmRegistryHosts(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const url = env["GRADER_NPM_REGISTRY"] ?? "https://registry.npmjs.org/";
  try {
    return [new URL(url).hostname];
  } catch {
    throw new GraderError("INVALID_SUBMISSION", `GRADER_NPM_REGISTRY=${url} is not a URL`);
  }
}

/** The hosts an exercise's builds may reach. */
export function egressHosts(network: ExerciseNetwork): string[] {
  return network === "npm" ? npmRegistryHosts() : [];
}

/**
 * The hosts an exercise's builds may read over plain HTTP: Debian's archive (as the official
 * Debian-based images configure apt), so `apt-get install` works wherever npm does.
 */
export function archiveHosts(network: ExerciseNetwork): string[] {
  return network === "npm" ? ["deb.debian.org"] : [];
}

/** The `--network` a build of this exercise runs with (host is the run's own namespace). */
export function buildNetwork(network: ExerciseNetwork): "none" | "host" {
  return network === "none" ? "none" : "host";
}

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const EXERCISES_DIR = join(REPO_ROOT, "exercises");

export async function listExercises(root = EXERCISES_DIR): Promise<Exercise[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const ids = entries
    .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
    .map((e) => e.name)
    .sort();
  return Promise.all(ids.map((id) => loadExercise(id, root)));
}

export async function loadExercise(id: string, root = EXERCISES_DIR): Promise<Exercise> {
  const dir = join(root, id);
  const text = await readFile(join(dir, "exercise.json"), "utf8").catch(() => undefined);
  if (text === undefined) {
    const known = await readdir(root).catch(() => []);
    throw new GraderError("UNKNOWN_EXERCISE", `there is no exercise "${id}"`, {
      hint: `Known exercises: ${known.filter((k) => /^\d\d-/.test(k)).join(", ") || "none"} (grade --list)`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GraderError(
      "INVALID_SUBMISSION",
      `exercises/${id}/exercise.json is not JSON: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  const checked = checkDeclaration(parsed);
  if (!checked.ok)
    throw new GraderError(
      "INVALID_SUBMISSION",
      `exercises/${id}/exercise.json does not meet harness/grading/exercise.schema.json: ${checked.problems.join("; ")}`,
      { hint: "Fix the fields named; npm run handout rewrites the handout hashes" },
    );
  const raw = checked.declaration;
  if (raw.id !== id)
    throw new GraderError(
      "INVALID_SUBMISSION",
      `exercises/${id}/exercise.json: id is "${raw.id}", not the folder name "${id}"`,
    );
  return {
    id,
    title: raw.title,
    grader: raw.grader,
    learnerFiles: raw.learnerFiles,
    handout: raw.handout,
    network: raw.network ?? "none",
    platforms: raw.platforms ?? ["linux/amd64"],
    buildTimeoutSeconds: Math.round((raw.buildTimeoutSeconds ?? 300) * timeoutFactor(process.env)),
    bake: raw.bake ? { file: raw.bake.file, variables: raw.bake.variables ?? {} } : undefined,
    service: raw.service,
    dir,
    workspace: join(dir, "workspace"),
  };
}
