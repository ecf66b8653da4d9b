import { isAbsolute, resolve } from "node:path";

/** A host folder or file made visible inside the grader container. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly mode: "ro" | "rw";
}

/** The `grade` command to run inside the container, and what it needs mounted. */
export interface Invocation {
  readonly args: readonly string[];
  readonly mounts: readonly Mount[];
  /** The host folder the container writes its reports to (the --out folder). */
  readonly out: string;
}

/** Where the project lives inside the image (its WORKDIR). */
export const IMAGE_ROOT = "/grader";
/** Where the reports are written inside the container. */
export const CONTAINER_OUT = "/out";

/** Options whose value is a host path read by the grader, and where each goes in the container. */
const INPUT_PATHS: Readonly<Record<string, string>> = {
  "--submission": "/in/submission",
  "--batch": "/in/batch",
  "--changed-files": "/in/changed-files",
};

/**
 * Maps a `grade` command line on the host to the same command inside the grader image (pure):
 * every path it names is mounted (inputs read-only, the output folder writable) and rewritten
 * to its place in the container; every other word passes unchanged. The learners' workspaces of
 * the host's checkout are mounted over the image's, which holds the exercises without them.
 */
export function mapInvocation(
  argv: readonly string[],
  host: { cwd: string; repoRoot: string; exerciseIds: readonly string[] },
): Invocation {
  const mounts: Mount[] = host.exerciseIds.map((id) => ({
    source: resolve(host.repoRoot, "exercises", id, "workspace"),
    target: `${IMAGE_ROOT}/exercises/${id}/workspace`,
    mode: "ro",
  }));
  const args: string[] = [];
  let out = resolve(host.cwd, "reports");
  const merging = argv[0] === "merge";
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    const [flag, inline] = word.startsWith("--") && word.includes("=") ? splitOnce(word) : [word, undefined];
    const value = inline ?? argv[i + 1];
    const takesPath = flag in INPUT_PATHS || flag === "--out";
    if (takesPath && value !== undefined) {
      if (inline === undefined) i++;
      const source = isAbsolute(value) ? value : resolve(host.cwd, value);
      if (flag === "--out") out = source;
      else mounts.push({ source, target: INPUT_PATHS[flag] ?? "", mode: "ro" });
      args.push(flag, flag === "--out" ? CONTAINER_OUT : (INPUT_PATHS[flag] ?? ""));
      continue;
    }
    if (merging && i > 0 && !word.startsWith("-")) {
      const target = `/in/merge-${String(mounts.length)}`;
      mounts.push({ source: resolve(host.cwd, word), target, mode: "ro" });
      args.push(target);
      continue;
    }
    args.push(word);
  }
  if (!args.includes("--out")) args.push("--out", CONTAINER_OUT);
  mounts.push({ source: out, target: CONTAINER_OUT, mode: "rw" });
  return { args, mounts, out };
}

function splitOnce(word: string): [string, string] {
  const at = word.indexOf("=");
  return [word.slice(0, at), word.slice(at + 1)];
}
