import { mkdir, writeFile } from "node:fs/promises";
import { stepProgress } from "../report/step-progress.ts";
import { ensureEngine } from "../engine/engine-setup.ts";
import { join } from "node:path";
import { Buildx } from "../buildx/buildx.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import type { ServicePublication } from "../engine/service-host.ts";
import { errorMessage, GraderError } from "../errors.ts";
import { boundReport } from "../report/bound-report.ts";
import { archiveHosts, egressHosts, loadExercise, type Exercise } from "./exercise.ts";
import { REPORT_SCHEMA_VERSION, summarise, type GradeReport, type Measurement } from "./grade-report.ts";
import type { Grader, GradingContext } from "./grader.ts";
import { graderFingerprint } from "./grader-fingerprint.ts";
import { loadGrader } from "./grader-loader.ts";
import { reapOrphanJournals } from "../lifecycle/journal-replay.ts";
import { tmpdir } from "node:os";
import { Scorecard } from "./scorecard.ts";
import { prepareSubmission } from "./submission.ts";

export interface GradeOptions {
  /** The learner's folder; defaults to the exercise's workspace. */
  readonly submission?: string;
  /** Grade even when the files are as handed out. */
  readonly force?: boolean;
  readonly progress?: (message: string) => void;
  /** A BuildKit endpoint of a farm to grade on (the remote driver), instead of the machine's own. */
  readonly endpoint?: string;
  /** Where that endpoint reaches the run's registry and services; by default GRADER_SERVICE_HOST. */
  readonly publication?: ServicePublication;
}

/**
 * Grades one exercise end to end: prepares the submission, opens a builder and a registry for
 * this run only, runs the grader, and always disposes of all of it. Problems of grading itself
 * become a report with status "error", never a thrown exception or a silent zero.
 */
export async function gradeExercise(id: string, options: GradeOptions = {}): Promise<GradeReport> {
  // Learner text (logs, names) can be any length and hold any character: bound it to the schema.
  const report = boundReport(await gradeUnbounded(id, options));
  // Unknown for an exercise that does not load: such a report is an error, never a score.
  const grader = await graderFingerprint(id).catch(() => undefined);
  return grader === undefined ? report : { ...report, grader };
}

async function gradeUnbounded(id: string, options: GradeOptions): Promise<GradeReport> {
  const startedAt = new Date();
  const started = performance.now();
  const progress = options.progress ?? ((): void => undefined);
  let exercise: Exercise;
  try {
    exercise = await loadExercise(id);
  } catch (error) {
    return errorReport({ id, title: id }, error, startedAt, started, options.submission ?? "");
  }
  let grader: Grader;
  try {
    grader = await loadGrader(exercise);
  } catch (error) {
    return errorReport(exercise, error, startedAt, started, "");
  }
  let submission;
  try {
    submission = await prepareSubmission(exercise, options.submission);
  } catch (error) {
    return errorReport(exercise, error, startedAt, started, options.submission ?? exercise.workspace);
  }
  const card = new Scorecard(grader.checks);
  const measurements: Record<string, Measurement> = {};
  const notes: string[] = [];
  if (submission.missing.length > 0)
    notes.push(`Taken from the handout because the submission lacks them: ${submission.missing.join(", ")}.`);
  let environment: BuildEnvironment | undefined;
  try {
    if (!submission.attempted && !options.force) {
      return {
        ...base(exercise, startedAt, started, submission.source),
        status: "not-attempted",
        score: 0,
        maxScore: grader.checks.reduce((t, c) => t + c.points, 0),
        checks: [],
        measurements,
        notes: [`${exercise.learnerFiles.join(", ")} are still as handed out: nothing to grade yet.`],
        environment: undefined,
      };
    }
    let engine: GradingContext["engine"];
    if (grader.needsEngine) {
      try {
        await reapOrphansOnce(progress);
        await ensureEngine(progress);
        progress("starting an isolated builder for this run...");
        environment = await openEnvironment({
          mirror: await detectMirror(),
          egressHosts: egressHosts(exercise.network),
          archiveHosts: archiveHosts(exercise.network),
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.publication ? { publication: options.publication } : {}),
        });
        progress(`builder ready (${environment.driver}, ${(environment.setupMs / 1000).toFixed(1)}s)`);
        if ((grader.freshBuilders ?? 0) > 0 && !environment.freshBuilder)
          throw unsuited(exercise, grader, environment);
        engine = { environment, buildx: new Buildx(environment), registry: environment.registry };
      } catch (error) {
        return errorReport(exercise, error, startedAt, started, submission.source);
      }
    }
    const context: GradingContext = {
      exercise,
      submission,
      engine,
      measurements,
      notes,
      progress,
      stepProgress: (build) => stepProgress(build, progress),
    };
    try {
      await grader.grade(context, card);
    } catch (error) {
      card.errorRemaining(
        grader.checks.map((c) => c.id),
        error,
      );
    }
    const usage = await environment?.limits?.usage().catch(() => undefined);
    if (usage) {
      // What the run used of its limits: figures for instructors tuning GRADER_LIMIT_*.
      measurements["limits.memoryPeakBytes"] = usage.memoryPeakBytes;
      measurements["limits.pidsPeak"] = usage.pidsPeak;
      measurements["limits.diskUsedBytes"] = usage.diskUsedBytes;
    }
    const checks = card.all();
    return {
      ...base(exercise, startedAt, started, submission.source),
      ...summarise(checks),
      checks,
      measurements,
      notes,
      environment: environment
        ? { driver: environment.driver, setupMs: Math.round(environment.setupMs) }
        : undefined,
    };
  } finally {
    await environment?.dispose().catch((e: unknown) => {
      progress(`cleanup failed: ${errorMessage(e)}`);
    });
    await submission.dispose();
  }
}

let orphansReaped: Promise<void> | undefined;

/** Once per process: undo what gradings killed together with their reaper left in the system. */
function reapOrphansOnce(progress: (message: string) => void): Promise<void> {
  return (orphansReaped ??= reapOrphanJournals(tmpdir()).then(
    (undone) => {
      if (undone.length > 0)
        progress(`removed what earlier gradings killed mid-run left behind: ${undone.join(", ")}`);
    },
    () => undefined,
  ));
}

function base(
  exercise: Pick<Exercise, "id" | "title">,
  startedAt: Date,
  started: number,
  submission: string,
): Pick<GradeReport, "schemaVersion" | "exercise" | "title" | "submission" | "startedAt" | "durationMs"> {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    exercise: exercise.id,
    title: exercise.title,
    submission,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Why a run cannot grade on this driver: the grader needs new builders the driver cannot make. */
function unsuited(exercise: Exercise, grader: Grader, environment: BuildEnvironment): GraderError {
  return new GraderError(
    "DRIVER_UNSUITED",
    `exercise ${exercise.id} builds on ${String(grader.freshBuilders ?? 0)} new builder(s) besides the first, as new CI runners, and the ${environment.driver} driver cannot make one: a BuildKit endpoint is one daemon, one cache`,
    { hint: "Grade this exercise on this machine's own engine (unset GRADER_BUILDKIT_ENDPOINT(S))" },
  );
}

/** A report of a grading that could not be done, with the error's code, message and hint. */
export function errorReport(
  exercise: Pick<Exercise, "id" | "title">,
  error: unknown,
  startedAt: Date,
  started: number,
  submission: string,
): GradeReport {
  const code = error instanceof GraderError ? error.code : "CHECK_CRASHED";
  const hint = error instanceof GraderError ? error.hint : undefined;
  return {
    ...base(exercise, startedAt, started, submission),
    status: "error",
    score: 0,
    maxScore: 0,
    checks: [],
    measurements: {},
    notes: [],
    error: { code, message: errorMessage(error), ...(hint ? { hint } : {}) },
    environment: undefined,
  };
}

export async function writeReport(report: GradeReport, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${report.exercise}.json`);
  await writeFile(file, `${JSON.stringify(boundReport(report), null, 2)}\n`);
  return file;
}
