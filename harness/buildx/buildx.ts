import { exec, type ExecOptions } from "../exec/exec.ts";
import type { ExecResult } from "../exec/exec-result.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";

/**
 * The docker CLI bound to one grading run's engine and builder: the run's builds, bake reads and
 * disk-usage queries go through here (the builder's own creation and removal, in
 * engine/container-builder.ts, come before and after it).
 */
export class Buildx {
  readonly environment: BuildEnvironment;

  constructor(environment: BuildEnvironment) {
    this.environment = environment;
  }

  /** `docker buildx <args>` with the run's builder selected. */
  buildx(
    args: readonly string[],
    options: Omit<ExecOptions, "env"> & { extraEnv?: Readonly<Record<string, string>> } = {},
  ): Promise<ExecResult> {
    const builder = this.environment.builder ? ["--builder", this.environment.builder] : [];
    const [sub, ...rest] = args;
    const { extraEnv, ...execOptions } = options;
    return exec("docker", ["buildx", ...(sub ? [sub] : []), ...builder, ...rest], {
      ...execOptions,
      env: { ...this.environment.env, ...extraEnv },
    });
  }

  /** A plain `docker <args>` call against the run's engine. */
  docker(args: readonly string[], options: Omit<ExecOptions, "env"> = {}): Promise<ExecResult> {
    return exec("docker", args, { ...options, env: this.environment.env });
  }
}
