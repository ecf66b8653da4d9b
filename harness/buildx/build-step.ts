import type { RawJsonParse, SolveStatus } from "./rawjson.ts";
import { parseVertexName } from "./vertex-name.ts";

/** One vertex of a build, folded from all the SolveStatus events that mention it. */
export interface BuildStep {
  readonly digest: string;
  readonly name: string;
  readonly stage: string | undefined;
  readonly platform: string | undefined;
  /** Where the step ran (differs from `platform` when cross-compiling). */
  readonly executionPlatform: string | undefined;
  readonly index: number | undefined;
  readonly instruction: string | undefined;
  readonly text: string;
  readonly internal: boolean;
  readonly cached: boolean;
  readonly started: Date | undefined;
  readonly completed: Date | undefined;
  readonly durationMs: number | undefined;
  /** Set when a retried build ran the step in an earlier, failed attempt (the last attempt found it cached): it counts as run, with that attempt's times. */
  readonly ranInEarlierAttempt?: true;
  readonly error: string | undefined;
  /** Output of the step's process (stdout and stderr interleaved), decoded: its last STEP_LOG_TAIL characters. */
  readonly log: string;
}

interface Acc {
  name: string;
  cached: boolean;
  started: string | undefined;
  completed: string | undefined;
  error: string | undefined;
  log: string;
}

/** Per step, the last this many characters of output are kept: a step can print gigabytes. */
export const STEP_LOG_TAIL = 64 * 1024;

/**
 * Folds SolveStatus events into steps as they arrive, in the order BuildKit first reported
 * them, keeping only the tail of each step's output so memory stays flat whatever the build prints.
 */
export class StepFolder {
  private readonly byDigest = new Map<string, Acc>();
  private readonly logTail: number;

  constructor(logTail = STEP_LOG_TAIL) {
    this.logTail = logTail;
  }

  add(events: readonly SolveStatus[]): void {
    for (const event of events) {
      for (const v of event.vertexes) {
        let acc = this.byDigest.get(v.digest);
        if (!acc) {
          acc = {
            name: v.name ?? v.digest,
            cached: false,
            started: undefined,
            completed: undefined,
            error: undefined,
            log: "",
          };
          this.byDigest.set(v.digest, acc);
        }
        if (v.name) acc.name = v.name;
        if (v.cached === true) acc.cached = true;
        // A vertex can be reported started again (e.g. retried); keep the first start, last end.
        if (v.started && !acc.started) acc.started = v.started;
        if (v.completed) acc.completed = v.completed;
        if (v.error) acc.error = v.error.slice(0, this.logTail);
      }
      for (const l of event.logs) {
        const acc = this.byDigest.get(l.vertex);
        if (!acc) continue;
        acc.log += Buffer.from(l.data, "base64").toString("utf8");
        if (acc.log.length > this.logTail) acc.log = acc.log.slice(-this.logTail);
      }
    }
  }

  steps(): BuildStep[] {
    return [...this.byDigest.entries()].map(([digest, acc]) => {
      const parsed = parseVertexName(acc.name);
      const started = acc.started ? new Date(acc.started) : undefined;
      const completed = acc.completed ? new Date(acc.completed) : undefined;
      return {
        digest,
        name: acc.name,
        stage: parsed.stage,
        platform: parsed.platform,
        executionPlatform: parsed.executionPlatform,
        index: parsed.index,
        instruction: parsed.instruction,
        text: parsed.text,
        internal: parsed.internal,
        cached: acc.cached,
        started,
        completed,
        durationMs: started && completed ? completed.getTime() - started.getTime() : undefined,
        error: acc.error,
        log: acc.log,
      };
    });
  }
}

/** Folds a whole rawjson parse into steps (captured output; a live build streams into a StepFolder). */
export function foldSteps(parse: RawJsonParse): BuildStep[] {
  const folder = new StepFolder();
  folder.add(parse.events);
  return folder.steps();
}

/** Dockerfile steps only (not BuildKit's internal loading, exporting and pushing). */
export function dockerfileSteps(steps: readonly BuildStep[]): BuildStep[] {
  return steps.filter((s) => s.instruction !== undefined);
}

/** Executed or cached steps that do work (FROM is a pull, not a step of the learner's). */
export function workSteps(steps: readonly BuildStep[]): BuildStep[] {
  return dockerfileSteps(steps).filter((s) => s.instruction !== "FROM");
}

/** The step that made the build fail: the first errored step that is not a mere cancellation. */
export function failingStep(steps: readonly BuildStep[]): BuildStep | undefined {
  const errored = steps.filter((s) => s.error !== undefined);
  return errored.find((s) => !/context canceled/.test(s.error ?? "")) ?? errored[0];
}

/**
 * A retried build's last attempt finds cached what an earlier, failed attempt ran: it would
 * report a 10-minute emulated compile as 0 s, and a step a source change re-ran as cache reuse.
 * Such a step counts as run by this build: not `cached`, with the times of the attempt that ran
 * it (the latest that saw it end), and marked `ranInEarlierAttempt`.
 */
export function carryAttemptTimes(
  last: readonly BuildStep[],
  earlier: readonly (readonly BuildStep[])[],
): BuildStep[] {
  return last.map((step) => {
    if (!step.cached) return step;
    // Started there is enough: a step that attempt's events never saw end (the client lost the
    // stream, BuildKit finished it) is cached now only because that attempt ran it.
    const tried = earlier.flatMap((attempt) =>
      attempt.filter((s) => s.digest === step.digest && !s.cached && s.started !== undefined),
    );
    const ran = tried.filter((s) => s.durationMs !== undefined).at(-1) ?? tried.at(-1);
    return ran
      ? {
          ...step,
          cached: false,
          started: ran.started,
          completed: ran.completed,
          durationMs: ran.durationMs,
          ranInEarlierAttempt: true,
        }
      : step;
  });
}
