import { buildNetwork } from "../../harness/grading/exercise.ts";
import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { copyTree, writeFileNoFollow } from "../../harness/grading/copy-tree.ts";
import { join } from "node:path";
import type { BuildRequest, BuildResult } from "../../harness/buildx/build-command.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";
import { describeFailure, failBuild, failureLocation } from "../../harness/grading/kit/build-outcome.ts";
import { readPushedImage } from "../../harness/grading/kit/pushed-image.ts";
import { knownBaseLayers } from "../../harness/grading/kit/base-layers.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import type { Verdict } from "../../harness/grading/scorecard.ts";
import { locateCreatedBy } from "../../harness/dockerfile/locate-step.ts";
import { workSteps, type BuildStep } from "../../harness/buildx/build-step.ts";
import { DiskUsage } from "../../harness/buildx/disk-usage.ts";
import type { CacheMountRecord } from "../../harness/buildx/cache-mount-record.ts";
import type { GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { scanImageLayers } from "../../harness/inspect/image-reader.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { formatBytes, formatDuration } from "../../harness/report/format.ts";
import { isInstallCommand } from "./install-command.ts";
import { mayTakePrivateCacheMount } from "./private-mounts.ts";
import { settleAll } from "../../harness/util/settle-all.ts";
import type { DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import { instructionOfStep, stepCommand } from "../../harness/dockerfile/step-instruction.ts";

/** A cache mount smaller than this after an install was not where the package manager wrote. */
const MIN_USED_CACHE_BYTES = 1_000_000;
// Download caches only: npm also writes small debug logs to ~/.npm/_logs, which are not a cache.
const PACKAGE_CACHE =
  /(^|\/)(\.npm\/_cacache|\.npm\/_npx|\.cache\/yarn|\.yarn\/cache|\.yarn\/berry\/cache|\.local\/share\/pnpm\/store|\.pnpm-store|\.cache\/pnpm)\//;

/** Install steps, recognised by the whole command their instruction runs (heredocs included). */
function installSteps(steps: readonly BuildStep[], model: DockerfileModel): BuildStep[] {
  return workSteps(steps).filter((s) => s.instruction === "RUN" && isInstallCommand(stepCommand(model, s)));
}

function cachedRatio(result: BuildResult): string {
  const work = workSteps(result.steps);
  return `${work.filter((s) => s.cached).length}/${work.length}`;
}

/** Builds the submission three times in the run's own builder and scores what happened. */
export async function gradeBehaviour(
  ctx: GradingContext,
  card: Scorecard,
  devDependencies: readonly string[],
  model: DockerfileModel,
): Promise<void> {
  const engine = requireEngine(ctx);
  const dir = ctx.submission.dir;
  const tag = `${engine.registry.host}/submission:graded`;
  let builds = 0;
  const run = async (label: string, output: BuildRequest["output"], context = dir): Promise<BuildResult> => {
    builds += 1;
    return buildSubmission(ctx, engine, `build ${builds}/3 (${label})`, {
      label,
      output,
      context,
      network: buildNetwork(ctx.exercise.network),
      platforms: ctx.exercise.platforms,
      ...(output === "push" ? { tags: [tag] } : {}),
    });
  };
  const failedLater = (result: BuildResult): Verdict => ({
    ...describeFailure(result),
    location: failureLocation(result, model),
  });

  // 1. cold
  const cold = await run("cold", "cacheonly");
  if (!cold.ok) {
    failBuild(card, cold, { check: CHECKS.coldBuild, checks: CHECK_LIST, model });
    return;
  }
  card.pass(CHECKS.coldBuild.id, {
    message: `Built in ${formatDuration(cold.durationMs)} (${workSteps(cold.steps).length} steps).`,
  });
  const coldInstalls = installSteps(cold.steps, model);
  ctx.measurements["cold.installMs"] = Math.round(coldInstalls.reduce((t, s) => t + (s.durationMs ?? 0), 0));

  // 2. a change to application source only, and 3. a change to the dependency manifest on top
  // of it. Both start from the cold build's state, so they run side by side (the source change
  // from a copy without the manifest change), unless a private cache mount could make one
  // build's install start empty because the other holds the mount.
  const marker = `graded-${randomBytes(6).toString("hex")}`;
  const sourceFile = await markSource(dir, marker);
  const disk = new DiskUsage(engine.buildx);
  const overlap = !mayTakePrivateCacheMount(model);
  let afterSource: BuildResult;
  let afterManifest: BuildResult;
  let before: readonly CacheMountRecord[];
  if (overlap) {
    before = await disk.cacheMounts();
    const sourceOnly = join(engine.environment.workDir, `source-change-${randomBytes(4).toString("hex")}`);
    await copyTree(dir, sourceOnly);
    await bumpManifest(dir);
    const both = [run("source-change", "cacheonly", sourceOnly), run("manifest-change", "push")] as const;
    await settleAll(both);
    [afterSource, afterManifest] = await Promise.all(both);
  } else {
    afterSource = await run("source-change", "cacheonly");
    before = await disk.cacheMounts();
    await bumpManifest(dir);
    afterManifest = await run("manifest-change", "push");
  }
  ctx.measurements["source-change.cachedSteps"] = cachedRatio(afterSource);
  if (!afterSource.ok) {
    card.failRemaining([CHECKS.depsCached.id, CHECKS.sourceRebuilt.id], failedLater(afterSource));
  } else {
    const installs = installSteps(afterSource.steps, model);
    const rerun = installs.filter((s) => !s.cached);
    if (installs.length === 0)
      card.fail(CHECKS.depsCached.id, {
        message: "No install step (npm ci / npm install) was seen in the build.",
        location: finalStageLocation(model),
      });
    else
      card.judge(
        CHECKS.depsCached.id,
        rerun.length === 0,
        rerun.length === 0
          ? {
              message: `Only ${sourceFile} changed and all ${installs.length} install step(s) came from cache (${cachedRatio(afterSource)} steps cached).`,
            }
          : {
              message: `Only ${sourceFile} changed, yet the install ran again: ${rerun.map((s) => s.name).join("; ")}. Copy only the manifests before installing.`,
              location: installLocation(model, rerun),
            },
      );
    const rebuilt = workSteps(afterSource.steps).filter(
      (s) => !s.cached && s.instruction === "RUN" && !isInstallCommand(stepCommand(model, s)),
    );
    if (rebuilt.length === 0) {
      card.fail(CHECKS.sourceRebuilt.id, {
        message: `After ${sourceFile} changed no build step ran again: the image would ship stale code.`,
        location: finalStageLocation(model),
      });
    }
  }

  ctx.measurements["manifest-change.cachedSteps"] = cachedRatio(afterManifest);
  if (!afterManifest.ok) {
    card.failRemaining(
      [CHECKS.sourceRebuilt.id, CHECKS.mountReused.id, CHECKS.noDevDeps.id, CHECKS.noPackageCache.id],
      failedLater(afterManifest),
    );
    return;
  }
  const after = await disk.cacheMounts();
  judgeMountReuse(ctx, card, before, after, afterManifest, model);

  // 4. what the final image carries
  await judgeImage(ctx, card, { tag, marker, sourceFile, devDependencies, model });
}

function judgeMountReuse(
  ctx: GradingContext,
  card: Scorecard,
  before: readonly CacheMountRecord[],
  after: readonly CacheMountRecord[],
  result: BuildResult,
  model: DockerfileModel,
): void {
  const installs = installSteps(result.steps, model);
  const ran = installs.filter((s) => !s.cached);
  ctx.measurements["manifest-change.installMs"] = Math.round(
    ran.reduce((t, s) => t + (s.durationMs ?? 0), 0),
  );
  ctx.measurements["cacheMount.bytes"] = after.reduce((t, m) => t + m.sizeBytes, 0);
  if (ran.length === 0) {
    card.fail(CHECKS.mountReused.id, {
      message:
        "After package.json changed the install did not run again, so it cannot have used a fresh dependency list.",
      location: installLocation(model, installs),
    });
    return;
  }
  const reused = after.filter((m) => {
    const earlier = before.find((b) => b.id === m.id);
    return (
      earlier !== undefined && earlier.sizeBytes >= MIN_USED_CACHE_BYTES && m.usageCount > earlier.usageCount
    );
  });
  const best = reused[0];
  if (best) {
    card.pass(CHECKS.mountReused.id, {
      message: `The install re-ran and reused the cache mount at ${best.target ?? "?"} (${formatBytes(best.sizeBytes)}, used ${best.usageCount} times).`,
    });
    return;
  }
  const empty = after.filter((m) => m.sizeBytes < MIN_USED_CACHE_BYTES);
  card.fail(CHECKS.mountReused.id, {
    message:
      after.length === 0
        ? "No cache mount was used by the build: the install downloaded every package again. Mount a cache on the package manager's cache directory (npm: /root/.npm)."
        : `The cache mount(s) ${empty.map((m) => m.target).join(", ") || after.map((m) => m.target).join(", ")} stayed (nearly) empty, so the install downloaded everything again: npm keeps its cache in /root/.npm for root (see \`npm config get cache\`).`,
    details: after.map((m) => `${m.target ?? "?"}: ${formatBytes(m.sizeBytes)}, used ${m.usageCount}x`),
    location: installLocation(model, ran),
  });
}

/** The instruction that wrote the first of these layers (from its history entry), else the final stage. */
function layerLocation(model: DockerfileModel, createdBy: readonly string[]): CheckLocation {
  const instruction = createdBy.map((c) => locateCreatedBy(model, c)).find((i) => i !== undefined);
  return instruction
    ? { file: "Dockerfile", line: instruction.line, endLine: instruction.endLine }
    : finalStageLocation(model);
}

/** The final stage's FROM: what ends up in the image is decided there. */
function finalStageLocation(model: DockerfileModel): CheckLocation {
  return { file: "Dockerfile", line: model.stages.at(-1)?.line ?? 1 };
}

/** The Dockerfile line of the first of these steps, found by BuildKit's step position. */
function installLocation(model: DockerfileModel, steps: readonly BuildStep[]): CheckLocation {
  const line = steps.map((s) => instructionOfStep(model, s)?.line).find((l) => l !== undefined);
  return line === undefined ? finalStageLocation(model) : { file: "Dockerfile", line };
}

async function judgeImage(
  ctx: GradingContext,
  card: Scorecard,
  inputs: {
    readonly tag: string;
    readonly marker: string;
    readonly sourceFile: string;
    readonly devDependencies: readonly string[];
    readonly model: DockerfileModel;
  },
): Promise<void> {
  const { tag, marker, sourceFile, devDependencies, model } = inputs;
  const { source, read } = await readPushedImage(tag);
  const image = read.images[0];
  if (!image) throw new Error(`the pushed image ${tag} has no platform image`);
  ctx.measurements["image.bytes"] = image.manifest.layers.reduce((t, l) => t + l.size, 0);
  ctx.measurements["image.layers"] = image.manifest.layers.length;
  const devHits: string[] = [];
  const cacheHits = new Map<string, { bytes: number; files: number; example: string }>();
  let markerFound: string | undefined;
  // The history entries (BuildKit's created_by) that added dev dependencies or a package cache.
  const devSteps: string[] = [];
  const cacheSteps: string[] = [];
  const devPattern = new RegExp(
    `(^|/)node_modules/(${devDependencies.map(escape).join("|")})/package\\.json$`,
  );
  // The base image's layers are the mirror's, made before the submission: nothing in them is
  // the learner's doing, and the rebuilt code cannot be there.
  const known = await knownBaseLayers();
  await scanImageLayers(
    source,
    image,
    (where, entry) => {
      const step = where.history?.created_by?.replace(/ # buildkit$/, "") ?? `layer ${where.index + 1}`;
      if (devDependencies.length > 0 && devPattern.test(entry.path)) {
        devHits.push(`${entry.path} (added by: ${step})`);
        devSteps.push(step);
      }
      if (entry.type === "file" && entry.size > 0 && PACKAGE_CACHE.test(`/${entry.path}`)) {
        const hit = cacheHits.get(step) ?? { bytes: 0, files: 0, example: entry.path };
        cacheHits.set(step, { bytes: hit.bytes + entry.size, files: hit.files + 1, example: hit.example });
        cacheSteps.push(step);
      }
      if (
        markerFound === undefined &&
        entry.type === "file" &&
        entry.size < 5_000_000 &&
        /\.m?js$/.test(entry.path)
      ) {
        const parts: Buffer[] = [];
        return (chunk) => {
          parts.push(chunk);
          if (markerFound === undefined && Buffer.concat(parts).includes(marker)) markerFound = entry.path;
        };
      }
      return undefined;
    },
    known,
  );

  if (!card.has(CHECKS.sourceRebuilt.id)) {
    card.judge(
      CHECKS.sourceRebuilt.id,
      markerFound !== undefined,
      markerFound
        ? { message: `The edit to ${sourceFile} was rebuilt and reached the image (${markerFound}).` }
        : {
            message: `The grader edited ${sourceFile}; the build ran but the final image does not contain the rebuilt code. Make sure the runtime stage copies the build output.`,
            location: finalStageLocation(model),
          },
    );
  }
  card.judge(
    CHECKS.noDevDeps.id,
    devHits.length === 0,
    devHits.length === 0
      ? { message: `None of the dev dependencies (${devDependencies.join(", ")}) is in any layer.` }
      : {
          message: `The final image ships dev dependencies: install with --omit=dev in the runtime stage instead of copying node_modules from the build stage.`,
          details: devHits.slice(0, 10),
          location: layerLocation(model, devSteps),
        },
  );
  const total = [...cacheHits.values()].reduce((t, h) => t + h.bytes, 0);
  card.judge(
    CHECKS.noPackageCache.id,
    total === 0,
    total === 0
      ? { message: "No layer contains a package-manager cache." }
      : {
          message: `${formatBytes(total)} of package-manager cache is baked into the image. A cache mount keeps it out of the layers.`,
          details: [...cacheHits.entries()].map(
            ([step, h]) => `${step}: ${h.files} files, ${formatBytes(h.bytes)} (e.g. ${h.example})`,
          ),
          location: layerLocation(model, cacheSteps),
        },
  );
  ctx.measurements["image.packageCacheBytes"] = total;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Appends an exported constant to a source file, so the rebuilt output can be recognised. */
async function markSource(dir: string, marker: string): Promise<string> {
  const preferred = join("src", "server.ts");
  const candidates = [
    preferred,
    ...(await readdir(join(dir, "src")).catch(() => []))
      .filter((f) => /\.[cm]?[jt]s$/.test(f))
      .map((f) => join("src", f)),
  ];
  for (const file of candidates) {
    const text = await readFile(join(dir, file), "utf8").catch(() => undefined);
    if (text === undefined) continue;
    await writeFileNoFollow(join(dir, file), `${text}\nexport const gradingMarker = "${marker}";\n`);
    return file;
  }
  throw new Error("no source file under src/ to change");
}

/** A manifest change that keeps package.json and the lock file consistent for `npm ci`. */
async function bumpManifest(dir: string): Promise<void> {
  for (const file of ["package.json", "package-lock.json"]) {
    const path = join(dir, file);
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const json = JSON.parse(text) as { version?: string; packages?: Record<string, { version?: string }> };
    const next = `${json.version ?? "0.0.0"}-graded.${Date.now()}`;
    json.version = next;
    const root = json.packages?.[""];
    if (root) root.version = next;
    await writeFileNoFollow(path, `${JSON.stringify(json, null, 2)}\n`);
  }
}
