import { appendFile, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import type { BuildRequest, BuildResult } from "../../harness/buildx/build-command.ts";
import { workSteps, type BuildStep } from "../../harness/buildx/build-step.ts";
import { Buildx } from "../../harness/buildx/buildx.ts";
import { parseDockerfile, type DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import { buildNetwork } from "../../harness/grading/exercise.ts";
import type { GradingContext, GradingEngine } from "../../harness/grading/grader.ts";
import { describeFailure, failBuild, failureLocation } from "../../harness/grading/kit/build-outcome.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { bakeTargetBuild } from "../../harness/buildx/bake-target-build.ts";
import { ImageReference } from "../../harness/inspect/image-reference.ts";
import { RegistrySource } from "../../harness/inspect/registry-source.ts";
import { formatBytes, formatDuration } from "../../harness/report/format.ts";
import { cacheBytes } from "./cache-bytes.ts";
import { cacheEntry, missingCacheReason } from "./cache-settings.ts";
import { parseAttributes } from "../../harness/util/csv-fields.ts";
import { BAKE_FILE, CHECK_LIST, CHECKS } from "./checks.ts";
import type { PlannedTarget } from "./build-plan.ts";
import { touchedByChange } from "./touched-steps.ts";

/** The file the grader edits to stand for a new commit to the api (inside the api's context). */
export const CHANGED_SOURCE = "src/server.ts";

interface Built {
  readonly planned: PlannedTarget;
  readonly result: BuildResult;
}

/**
 * What CI does on three runners, on real builds: a cold bake that exports the caches, the same
 * sources on a brand-new builder that imports them, and an api change on another new builder,
 * compared with the same change on the builder that still holds everything locally.
 */
export async function gradeBehaviour(
  ctx: GradingContext,
  card: Scorecard,
  engine: GradingEngine,
  planned: readonly PlannedTarget[],
): Promise<void> {
  const makeFresh = engine.environment.freshBuilder;
  if (!makeFresh) throw new Error(`the ${engine.environment.driver} driver cannot make a fresh builder`);
  const models = new Map<string, DockerfileModel>();
  for (const p of planned)
    models.set(
      p.target.name,
      parseDockerfile(await readFile(join(p.target.context, p.target.dockerfile), "utf8")),
    );
  const dockerfileOf = (p: PlannedTarget): string =>
    relative(p.root, join(p.target.context, p.target.dockerfile));

  // 1. Cold: the run's first builder is empty. Targets build side by side, as one bake call does.
  const cold = await bake(ctx, engine, "cold", planned, { exportCache: true });
  const failed = cold.find((b) => !b.result.ok);
  if (failed) {
    failBuild(card, failed.result, {
      check: CHECKS.cold,
      checks: CHECK_LIST,
      model: models.get(failed.planned.target.name),
      file: dockerfileOf(failed.planned),
      verdict: describeFailure(failed.result, `The cold build of ${failed.planned.target.name}`),
    });
    return;
  }
  ctx.measurements["bake.overlapMs"] = Math.round(overlapMs(cold.map((b) => b.result.steps)));
  const sizes = await cacheSizes(ctx, planned);
  card.pass(CHECKS.cold.id, {
    message: `Built and pushed ${cold.map((b) => `${b.planned.target.name} in ${formatDuration(b.result.durationMs)}`).join(", ")}; caches: ${sizes}.`,
  });

  // 2. A new runner: an empty builder that has only the registry.
  const runner = await freshEngine(makeFresh);
  let warm: Built[];
  try {
    warm = await bake(ctx, runner, "fresh-runner", planned, { exportCache: true });
  } finally {
    await runner.environment.dispose();
  }
  const warmFailed = warm.find((b) => !b.result.ok);
  if (warmFailed) {
    const location = failureLocation(
      warmFailed.result,
      models.get(warmFailed.planned.target.name),
      dockerfileOf(warmFailed.planned),
    );
    card.fail(CHECKS.freshRunner.id, {
      ...describeFailure(warmFailed.result, `The fresh-runner build of ${warmFailed.planned.target.name}`),
      location,
    });
    card.failRemaining([CHECKS.sourceChange.id], {
      message: `Not measured: the fresh-runner build failed (see ${CHECKS.freshRunner.id}).`,
      location,
    });
    return;
  }
  const targets = planned.map((p) => p.target);
  const misses = warm.flatMap((b) => {
    const ran = workSteps(b.result.steps).filter((s) => !s.cached);
    return ran.length === 0 ? [] : [{ built: b, ran }];
  });
  const firstMiss = misses[0];
  card.judge(
    CHECKS.freshRunner.id,
    firstMiss === undefined,
    firstMiss === undefined
      ? {
          message: `Every step came from the imported cache: ${warm.map((b) => `${b.planned.target.name} ${formatDuration(b.result.durationMs)} (cold ${formatDuration(cold.find((c) => c.planned === b.planned)?.result.durationMs ?? 0)})`).join(", ")}.`,
        }
      : {
          message: misses
            .map(
              ({ built, ran }) =>
                `${built.planned.target.name}: ${ran.length} of ${workSteps(built.result.steps).length} steps ran again on the new runner (${stagesOf(ran)}), because ${missingCacheReason(built.planned.target, targets)}`,
            )
            .join(". ")
            .concat("."),
          details: misses.flatMap(({ built, ran }) =>
            ran.map((s) => `${built.planned.target.name}: ${s.name}`),
          ),
          location: planLocation(firstMiss.built.planned, "cache-to"),
        },
  );

  // 3. A change to the api's source, on a third new runner; the first builder (which holds every
  // step locally) shows which steps the change itself must re-run.
  const api = planned.find((p) => p.service === "api");
  if (!api) throw new Error("no api target to change");
  const source = join(api.target.context, CHANGED_SOURCE);
  try {
    await appendFile(source, "\n// A new commit: the grader changed this line.\n");
  } catch {
    card.fail(CHECKS.sourceChange.id, {
      message: `The grader stands for a new commit by editing ${relative(api.root, source)}, which is missing: keep the api's sources where the handout has them.`,
      location: planLocation(api, "context"),
    });
    return;
  }
  const third = await freshEngine(makeFresh);
  let changed: Built[];
  let reference: Built[];
  try {
    [changed, reference] = await Promise.all([
      bake(ctx, third, "source-change", planned, { exportCache: false }),
      bake(ctx, engine, "reference", [api], { exportCache: false, importCache: false }),
    ]);
  } finally {
    await third.environment.dispose();
  }
  judgeSourceChange(card, changed, reference, targets, models, dockerfileOf);
}

function judgeSourceChange(
  card: Scorecard,
  changed: readonly Built[],
  reference: readonly Built[],
  targets: readonly BakeTarget[],
  models: ReadonlyMap<string, DockerfileModel>,
  dockerfileOf: (p: PlannedTarget) => string,
): void {
  const broken = [...changed, ...reference].find((b) => !b.result.ok);
  if (broken) {
    card.fail(CHECKS.sourceChange.id, {
      ...describeFailure(broken.result, `After the api change, the build of ${broken.planned.target.name}`),
      location: failureLocation(
        broken.result,
        models.get(broken.planned.target.name),
        dockerfileOf(broken.planned),
      ),
    });
    return;
  }
  // What the change must re-run: what the holding builder re-ran, and what the Dockerfile's
  // steps say takes the file in. The second covers a holding builder whose report came back
  // empty under load; it is never smaller than the truth, so it cannot fail a learner.
  const measured = reference.flatMap((b) =>
    workSteps(b.result.steps)
      .filter((s) => !s.cached)
      .map((s) => s.name),
  );
  const read = changed
    .filter((b) => b.planned.service === "api")
    .flatMap((b) => [...touchedByChange(workSteps(b.result.steps), CHANGED_SOURCE)].map((s) => s.name));
  const must = new Set([...measured, ...read]);
  const problems: string[] = [];
  const details: string[] = [];
  let where: PlannedTarget | undefined;
  for (const b of changed) {
    const ran = workSteps(b.result.steps).filter((s) => !s.cached);
    const needless = b.planned.service === "api" ? ran.filter((s) => !must.has(s.name)) : ran;
    if (needless.length === 0) continue;
    where ??= b.planned;
    problems.push(
      b.planned.service === "api"
        ? `the api re-ran ${needless.length} step(s) the change does not touch (${stagesOf(needless)}), because ${missingCacheReason(b.planned.target, targets)}`
        : `the ${b.planned.service} did not change, yet ${needless.length} of its steps ran again (${stagesOf(needless)}), because ${missingCacheReason(b.planned.target, targets)}`,
    );
    details.push(...needless.map((s) => `${b.planned.target.name}: ${s.name}`));
  }
  const summary = changed
    .map(
      (b) =>
        `${b.planned.target.name} ${cachedOf(b.result.steps)} cached in ${formatDuration(b.result.durationMs)}`,
    )
    .join(", ");
  card.judge(
    CHECKS.sourceChange.id,
    problems.length === 0,
    problems.length === 0
      ? {
          message: `Only what the change affects ran again (${must.size} step(s) of the api, as on a builder with everything local): ${summary}.`,
        }
      : {
          message: `${problems.join("; ")}. On the new runner: ${summary}.`,
          details,
          location: planLocation(where ?? changed[0]?.planned, "cache-to"),
        },
  );
}

interface BakeOptions {
  readonly exportCache: boolean;
  readonly importCache?: boolean;
}

/** The targets of one bake call, built concurrently on one builder as bake does. */
async function bake(
  ctx: GradingContext,
  engine: GradingEngine,
  phase: string,
  planned: readonly PlannedTarget[],
  options: BakeOptions,
): Promise<Built[]> {
  const results = await Promise.all(
    planned.map((p) =>
      buildSubmission(ctx, engine, `${phase}: ${p.target.name}`, request(ctx, phase, p, options)).then(
        (result) => ({ planned: p, result }),
      ),
    ),
  );
  for (const { planned: p, result } of results)
    ctx.measurements[`${phase}.${p.service}.cachedSteps`] = cachedOf(result.steps);
  return results;
}

function request(
  ctx: GradingContext,
  phase: string,
  p: PlannedTarget,
  options: BakeOptions,
): Omit<BuildRequest, "onStep" | "timeoutMs"> {
  const t = p.target;
  return {
    label: `${phase}.${p.service}`,
    ...bakeTargetBuild(t),
    platforms: ctx.exercise.platforms,
    output: "push",
    tags: p.tags,
    ...((options.importCache ?? true) && p.cacheFrom.length > 0 ? { cacheFrom: p.cacheFrom } : {}),
    ...(options.exportCache && p.cacheTo.length > 0 ? { cacheTo: p.cacheTo } : {}),
    network: buildNetwork(ctx.exercise.network),
  };
}

async function freshEngine(make: () => Promise<GradingEngine["environment"]>): Promise<GradingEngine> {
  const environment = await make();
  return { environment, buildx: new Buildx(environment), registry: environment.registry };
}

/** The bytes each exported registry cache holds, recorded as `cache.<ref>.bytes`. */
async function cacheSizes(ctx: GradingContext, planned: readonly PlannedTarget[]): Promise<string> {
  const parts: string[] = [];
  // Only what the run exports, to its own registry: never a reference the grader left out.
  const refs = planned.flatMap((p) =>
    p.cacheTo
      .map((spec) => cacheEntry(parseAttributes(spec)))
      .flatMap((e) => (e.type === "registry" && e.ref ? [e.ref] : [])),
  );
  for (const ref of new Set(refs)) {
    const image = ImageReference.parse(ref);
    const manifest = await new RegistrySource(image)
      .manifest(image.reference)
      .then((m) => m.text)
      .catch(() => undefined);
    const bytes = manifest === undefined ? undefined : cacheBytes(manifest);
    ctx.measurements[`cache.${image.repository}:${image.reference}.bytes`] = bytes ?? 0;
    parts.push(
      `${image.repository}:${image.reference} ${bytes === undefined ? "absent" : formatBytes(bytes)}`,
    );
  }
  return parts.join(", ") || "none exported";
}

/** How long the targets' steps ran at the same time: proof that they were built side by side. */
export function overlapMs(builds: readonly (readonly BuildStep[])[]): number {
  const spans = builds.map((steps) => {
    const times = steps.flatMap((s) =>
      s.started && s.completed ? [[s.started.getTime(), s.completed.getTime()]] : [],
    );
    return times.length === 0
      ? undefined
      : [Math.min(...times.map((t) => t[0] ?? 0)), Math.max(...times.map((t) => t[1] ?? 0))];
  });
  let overlap = 0;
  for (let i = 0; i < spans.length; i++)
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i];
      const b = spans[j];
      if (a && b)
        overlap = Math.max(overlap, Math.min(a[1] ?? 0, b[1] ?? 0) - Math.max(a[0] ?? 0, b[0] ?? 0));
    }
  return Math.max(0, overlap);
}

function cachedOf(steps: readonly BuildStep[]): string {
  const work = workSteps(steps);
  return `${work.filter((s) => s.cached).length}/${work.length}`;
}

/** "stage deps: RUN npm ci; stage build: RUN npm run build" */
function stagesOf(steps: readonly BuildStep[]): string {
  const byStage = new Map<string, string[]>();
  for (const s of steps) {
    const stage = s.stage ?? "the only stage";
    byStage.set(stage, [...(byStage.get(stage) ?? []), s.text]);
  }
  return [...byStage].map(([stage, texts]) => `stage ${stage}: ${texts.join(", ")}`).join("; ");
}

function planLocation(p: PlannedTarget | undefined, attribute: string): { file: string; line?: number } {
  if (!p) return { file: BAKE_FILE, line: 1 };
  return { file: BAKE_FILE, line: p.lines[attribute] ?? p.lines["target"] ?? 1 };
}
