import type { Buildx } from "./buildx.ts";
import { parseBakePrint, type BakeTarget } from "./bake-definition.ts";
import { InvalidSubmissionError } from "../errors.ts";

/** `docker buildx bake --print`: reads a bake file the way bake itself resolves it. */
export class BakeCommand {
  private readonly buildx: Buildx;
  constructor(buildx: Buildx) {
    this.buildx = buildx;
  }

  async targets(options: {
    cwd: string;
    file: string;
    group?: string;
    env?: Readonly<Record<string, string>>;
  }): Promise<BakeTarget[]> {
    const result = await this.buildx.buildx(
      ["bake", "-f", options.file, "--print", ...(options.group ? [options.group] : [])],
      {
        cwd: options.cwd,
        reject: false,
        timeoutMs: 60_000,
        ...(options.env ? { extraEnv: options.env } : {}),
      },
    );
    if (result.exitCode !== 0) {
      throw new InvalidSubmissionError(
        `${options.file} could not be read by docker buildx bake: ${redactOutside(
          result.stderr
            .trim()
            .split("\n")
            .filter((l) => !l.startsWith("#"))
            .join(" "),
          options.cwd,
        )}`,
        {
          hint: "Check the bake file's syntax with: docker buildx bake --print",
        },
      );
    }
    return parseBakePrint(result.stdout, options.cwd, options.group);
  }
}

/**
 * bake --print stats secret sources before the grader can vet them: its error must not tell a
 * learner which files exist on the grading machine. Paths inside the submission stay readable.
 */
export function redactOutside(message: string, root: string): string {
  return message.replace(/(?<![\w.])\/[^\s:'"]*/g, (path) =>
    path === root || path.startsWith(`${root}/`)
      ? path.slice(root.length + 1) || "."
      : "<a path outside the submission>",
  );
}
