import type { RawJsonParse } from "./rawjson.ts";
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
  readonly error: string | undefined;
  /** Output of the step's process (stdout and stderr interleaved), decoded. */
  readonly log: string;
}

interface Acc {
  name: string;
  cached: boolean;
  started: string | undefined;
  completed: string | undefined;
  error: string | undefined;
  log: string[];
}

/** Folds a rawjson stream into steps, in the order BuildKit first reported them. */
export function foldSteps(parse: RawJsonParse): BuildStep[] {
  const byDigest = new Map<string, Acc>();
  for (const event of parse.events) {
    for (const v of event.vertexes) {
      let acc = byDigest.get(v.digest);
      if (!acc) {
        acc = {
          name: v.name ?? v.digest,
          cached: false,
          started: undefined,
          completed: undefined,
          error: undefined,
          log: [],
        };
        byDigest.set(v.digest, acc);
      }
      if (v.name) acc.name = v.name;
      if (v.cached === true) acc.cached = true;
      // A vertex can be reported started again (e.g. retried); keep the first start, last end.
      if (v.started && !acc.started) acc.started = v.started;
      if (v.completed) acc.completed = v.completed;
      if (v.error) acc.error = v.error;
    }
    for (const l of event.logs) {
      const acc = byDigest.get(l.vertex);
      if (acc) acc.log.push(Buffer.from(l.data, "base64").toString("utf8"));
    }
  }
  return [...byDigest.entries()].map(([digest, acc]) => {
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
      log: acc.log.join(""),
    };
  });
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
