import type { BuildResult } from "../../buildx/build-command.ts";
import { parseVertexName } from "../../buildx/vertex-name.ts";
import type { DockerfileModel } from "../../dockerfile/dockerfile-model.ts";
import { instructionOfStep } from "../../dockerfile/step-instruction.ts";
import { behaviourIds, type CheckLocation, type CheckSpec } from "../check.ts";
import type { Scorecard, Verdict } from "../scorecard.ts";
import { DOCKERFILE } from "./dockerfile-or-fail.ts";

/** Where a failed build points: the Dockerfile, at the failed instruction's lines when BuildKit's step name finds it. */
export function failureLocation(
  result: BuildResult,
  model: DockerfileModel | undefined,
  file = DOCKERFILE,
): CheckLocation {
  const step = result.failure?.step;
  const instruction = step && model ? instructionOfStep(model, parseVertexName(step)) : undefined;
  return instruction ? { file, line: instruction.line, endLine: instruction.endLine } : { file };
}

/** "The cold build failed at [2/5] RUN npm ci: ..." with the build's log tail as details. */
export function describeFailure(result: BuildResult, what = `The ${result.label} build`): Verdict {
  const f = result.failure;
  return {
    message: `${what} failed${f?.step ? ` at ${f.step}` : ""}: ${f?.message ?? "unknown error"}`,
    details: f?.logTail ? f.logTail.split("\n") : [],
  };
}

export interface FailedBuildOptions {
  /** The check the build itself is judged by. */
  readonly check: CheckSpec;
  /** All the grader's checks: the behaviour ones not yet decided cannot be measured. */
  readonly checks: readonly CheckSpec[];
  readonly model: DockerfileModel | undefined;
  /** Replaces the default message for the build check. */
  readonly verdict?: Verdict;
  readonly file?: string;
}

/**
 * Records a failed build: its check fails with the cause and the failed instruction's lines,
 * and every behaviour check still undecided fails as "not measured", pointing at the same place.
 */
export function failBuild(card: Scorecard, result: BuildResult, options: FailedBuildOptions): void {
  const location = failureLocation(result, options.model, options.file);
  card.fail(options.check.id, { ...(options.verdict ?? describeFailure(result)), location });
  card.failRemaining(
    behaviourIds(options.checks).filter((id) => id !== options.check.id),
    {
      message: `Not measured: the build must succeed first (see ${options.check.id}).`,
      location,
    },
  );
}
