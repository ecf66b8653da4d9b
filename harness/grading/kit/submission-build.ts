import {
  assertNotInfrastructure,
  BuildCommand,
  type BuildRequest,
  type BuildResult,
} from "../../buildx/build-command.ts";
import { formatDuration } from "../../report/format.ts";
import type { GradingContext, GradingEngine } from "../grader.ts";

/**
 * One build of the submission, as every grader runs it: retried on the grading machine's own
 * transient failures, stopped with an error when the machine (not the learner) is at fault,
 * timed into `<label>.durationMs`, its progress shown under `name`.
 */
export async function buildSubmission(
  ctx: GradingContext,
  engine: GradingEngine,
  name: string,
  request: Omit<BuildRequest, "onStep" | "timeoutMs"> & { readonly timeoutMs?: number },
): Promise<BuildResult> {
  ctx.progress(`${name}...`);
  const result = await new BuildCommand(engine.buildx).runWithRetry(
    {
      ...request,
      timeoutMs: request.timeoutMs ?? ctx.exercise.buildTimeoutSeconds * 1000,
      onStep: ctx.stepProgress(name),
    },
    {
      onRetry: (m) => {
        ctx.progress(m);
      },
    },
  );
  assertNotInfrastructure(result);
  ctx.measurements[`${request.label}.durationMs`] = Math.round(result.durationMs);
  if (result.frontendNote && !ctx.notes.includes(result.frontendNote)) ctx.notes.push(result.frontendNote);
  ctx.progress(`${name} ${result.ok ? "done" : "failed"} in ${formatDuration(result.durationMs)}`);
  return result;
}
