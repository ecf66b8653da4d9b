import { EngineUnavailableError } from "../../errors.ts";
import type { GradingContext, GradingEngine } from "../grader.ts";

/** The run's engine, for graders that build: its absence is the harness's failure, not the learner's. */
export function requireEngine(ctx: Pick<GradingContext, "engine" | "exercise">): GradingEngine {
  if (!ctx.engine)
    throw new EngineUnavailableError(`exercise ${ctx.exercise.id} builds, but this run has no engine`);
  return ctx.engine;
}
