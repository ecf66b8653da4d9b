import type { BakeFileRead } from "../buildx/bake-file.ts";
import type { BakeTarget } from "../buildx/bake-definition.ts";
import type { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import type { RunRegistry } from "../engine/run-registry.ts";
import type { CheckSpec } from "./check.ts";
import type { Exercise } from "./exercise.ts";
import type { Measurement } from "./grade-report.ts";
import type { Scorecard } from "./scorecard.ts";
import type { StepEvent } from "../report/step-progress.ts";
import type { PreparedSubmission } from "./submission.ts";

/** The run's own engine: a builder and a registry that live as long as the run. */
export interface GradingEngine {
  readonly environment: BuildEnvironment;
  readonly buildx: Buildx;
  readonly registry: RunRegistry;
}

/** What a grader gets for one run: the submission, and (if it builds) its own builder and registry. */
export interface GradingContext {
  readonly exercise: Exercise;
  readonly submission: PreparedSubmission;
  readonly engine: GradingEngine | undefined;
  readonly measurements: Record<string, Measurement>;
  readonly notes: string[];
  progress(message: string): void;
  /** A BuildRequest onStep that reports each finished step of the build named `build` through progress. */
  stepProgress(build: string): (event: StepEvent) => void;
}

/** The submission's text files, read once: what static checks judge, with no engine and no process. */
export interface SubmissionFiles {
  readonly exercise: Exercise;
  /** A file's text (path relative to the submission), or undefined when it is absent. */
  text(path: string): string | undefined;
  /** Why a file that is there has no text (binary, not UTF-8, too large), or undefined. */
  unreadable(path: string): string | undefined;
  /**
   * The bake file's default target as `buildx bake --print` resolves it, when the grader has
   * read it (it needs the buildx CLI): static checks of bake-based exercises judge it too.
   */
  readonly bake?: BakeTarget | undefined;
  /**
   * The exercise's declared bake file (`exercise.json` "bake") as buildx resolves it, with the
   * declared variables: read with the files, so static checks of it need no engine.
   */
  readonly bakeFile?: BakeFileRead | undefined;
}

/**
 * One exercise's scoring. `graders/<name>/grader.ts` exports it as `grader`, found by the name
 * in the exercise's `exercise.json` (see grader-loader.ts).
 */
export interface Grader {
  readonly checks: readonly CheckSpec[];
  /** Whether it builds (static-only graders run without an engine). */
  readonly needsEngine: boolean;
  /**
   * How many new builders (as empty as a new CI runner's) it starts besides the run's first;
   * none by default. A farm's endpoint is one daemon and cannot give them.
   */
  readonly freshBuilders?: number;
  /**
   * The static checks alone, pure: judged from the files, each decided or failed. `grade` runs
   * them too; this entry lets them be tested (and a submission pre-checked) without an engine.
   */
  gradeStatic(files: SubmissionFiles, card: Scorecard): void;
  /** Every check: the static ones, then the behaviour ones on the run's engine. */
  grade(context: GradingContext, card: Scorecard): Promise<void>;
}
