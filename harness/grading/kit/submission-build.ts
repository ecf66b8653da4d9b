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
 * timed into `<label>.durationMs` (all attempts, with `<label>.attempts` when retried), its
 * progress shown under `name`. The result's durationMs is that same time, so what a check says
 * agrees with the measurement.
 */
export async function buildSubmission(
  ctx: GradingContext,
  engine: GradingEngine,
  name: string,
  request: Omit<BuildRequest, "onStep" | "timeoutMs"> & { readonly timeoutMs?: number },
): Promise<BuildResult> {
  ctx.progress(`${name}...`);
  const started = performance.now();
  let retries = 0;
  const result = await new BuildCommand(engine.buildx).runWithRetry(
    {
      ...request,
      timeoutMs: request.timeoutMs ?? ctx.exercise.buildTimeoutSeconds * 1000,
      onStep: ctx.stepProgress(name),
    },
    {
      onRetry: (m) => {
        retries += 1;
        ctx.progress(m);
      },
    },
  );
  assertNotInfrastructure(result);
  // A retried build's last attempt reuses what the failed one built (a 1-second "build"): the
  // time that counts is all attempts', and the report says there were several.
  const durationMs = retries > 0 ? performance.now() - started : result.durationMs;
  ctx.measurements[`${request.label}.durationMs`] = Math.round(durationMs);
  if (retries > 0) {
    ctx.measurements[`${request.label}.attempts`] = retries + 1;
    ctx.notes.push(
      `The ${request.label} build was retried ${retries} time(s) for the grading machine's own trouble; its time covers every attempt.`,
    );
  }
  if (result.frontendNote && !ctx.notes.includes(result.frontendNote)) ctx.notes.push(result.frontendNote);
  ctx.progress(`${name} ${result.ok ? "done" : "failed"} in ${formatDuration(durationMs)}`);
  return retries > 0 ? { ...result, durationMs } : result;
}
