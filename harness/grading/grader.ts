import type { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import type { RunRegistry } from "../engine/run-registry.ts";
import type { CheckSpec } from "./check.ts";
import type { Exercise } from "./exercise.ts";
import type { Measurement } from "./grade-report.ts";
import type { Scorecard } from "./scorecard.ts";
import type { StepEvent } from "../report/step-progress.ts";
import type { PreparedSubmission } from "./submission.ts";

/** What a grader gets for one run: the submission, and (if it builds) its own builder and registry. */
export interface GradingContext {
  readonly exercise: Exercise;
  readonly submission: PreparedSubmission;
  readonly engine:
    | { readonly environment: BuildEnvironment; readonly buildx: Buildx; readonly registry: RunRegistry }
    | undefined;
  readonly measurements: Record<string, Measurement>;
  readonly notes: string[];
  progress(message: string): void;
  /** A BuildRequest onStep that reports each finished step of the build named `build` through progress. */
  stepProgress(build: string): (event: StepEvent) => void;
}

export interface Grader {
  readonly checks: readonly CheckSpec[];
  /** Whether it builds (static-only graders run without an engine). */
  readonly needsEngine: boolean;
  grade(context: GradingContext, card: Scorecard): Promise<void>;
}
