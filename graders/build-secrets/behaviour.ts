import { buildNetwork } from "../../harness/grading/exercise.ts";
import { bakeTargetBuild } from "../../harness/buildx/bake-target-build.ts";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import { mountsOf, type DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";
import { failBuild } from "../../harness/grading/kit/build-outcome.ts";
import { readPushedImage } from "../../harness/grading/kit/pushed-image.ts";
import { knownBaseLayers } from "../../harness/grading/kit/base-layers.ts";
import { settleAll } from "../../harness/util/settle-all.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { buildSubmission } from "../../harness/grading/kit/submission-build.ts";
import type { GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { loadFilesystem } from "../../harness/inspect/image-reader.ts";
import { formatDuration } from "../../harness/report/format.ts";
import { scopedNpmrc, type PrivateNpmRegistry } from "../../harness/run/private-npm-registry.ts";
import { Canary } from "../../harness/secrets/canary.ts";
import type { LeakPlace } from "../../harness/secrets/leak-finding.ts";
import { judgeLeaks, searchForLeaks, type LeakCheck } from "../../harness/grading/kit/leak-search.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";

/** The npm scope the private registry serves, and the package the install must fetch from it. */
const PRIVATE_SCOPE = "@course";
export const PRIVATE_PACKAGE = `${PRIVATE_SCOPE}/greeting`;

const CLEAN = "No trace of the token, in any encoding or compressed file the search decodes.";
const LEAK_CHECKS: Record<LeakPlace, LeakCheck> = {
  history: {
    id: CHECKS.history.id,
    fix: "Build arguments used by a step are written into its history entry; pass the token as a secret instead.",
    clean: CLEAN,
  },
  config: {
    id: CHECKS.config.id,
    fix: "ENV and LABEL values are part of the image config anyone can inspect.",
    clean: CLEAN,
  },
  layer: {
    id: CHECKS.layers.id,
    fix: "A file removed in a later step still ships in the layer that added it; mount the secret instead of copying it.",
    clean: CLEAN,
  },
  attestation: {
    id: CHECKS.attestation.id,
    fix: "Provenance in max mode records every build argument.",
    clean: CLEAN,
  },
  cache: {
    id: CHECKS.cache.id,
    fix: "Only the exported cache has it: a mode=max cache exports every stage's layers, build stages included. Never write the token to a file in any stage.",
    clean: "The mode=max registry cache holds no trace of the token.",
  },
};

export interface SecretBuildInputs {
  readonly registry: PrivateNpmRegistry;
  readonly target: BakeTarget;
  readonly model: DockerfileModel;
}

/** The .npmrc CI writes into the project folder before building (the exercise states it). */
export function npmrcFor(registry: PrivateNpmRegistry): string {
  return scopedNpmrc(registry, PRIVATE_SCOPE);
}

export async function gradeBehaviour(
  ctx: GradingContext,
  card: Scorecard,
  inputs: SecretBuildInputs,
): Promise<void> {
  const engine = requireEngine(ctx);
  const { registry, target, model } = inputs;
  const canary = new Canary(registry.token);
  const tag = `${engine.registry.host}/submission:graded`;
  const cacheRef = `${engine.registry.host}/submission:cache`;
  const result = await buildSubmission(ctx, engine, "build 1/1 (with the run's registry token)", {
    label: "build",
    ...bakeTargetBuild(target),
    secretEnv: { NPM_TOKEN: registry.token, NPM_REGISTRY: registry.url },
    platforms: ctx.exercise.platforms,
    output: "push",
    tags: [tag],
    cacheTo: [`type=registry,ref=${cacheRef},mode=max`],
    provenance: "mode=max",
    network: buildNetwork(ctx.exercise.network),
  });
  if (!result.ok) {
    const f = result.failure;
    const unauthorised = /E401|E403|E404|401 Unauthorized|403 Forbidden|authentication token/i.test(
      `${f?.logTail ?? ""} ${f?.message ?? ""}`,
    );
    failBuild(card, result, {
      check: CHECKS.build,
      checks: CHECK_LIST,
      model,
      verdict: {
        message: `The build failed${f?.step ? ` at ${f.step}` : ""}: ${unauthorised ? "npm was refused by the private registry: the install step did not get the token." : (f?.message ?? "unknown error")}`,
        details: f?.logTail.split("\n") ?? [],
      },
    });
    return;
  }
  card.pass(CHECKS.build.id, { message: `Built in ${formatDuration(result.durationMs)}.` });

  const { source, read } = await readPushedImage(tag);
  const image = read.images[0];
  if (!image) throw new Error(`the pushed image ${tag} has no platform image`);

  // Both read the pushed image: the package check, in the layers the build wrote (no base
  // layer can hold what this build installed), and the leak search, everywhere.
  ctx.progress(
    "checking the private package, and searching history, config, layers, attestations and cache for the token...",
  );
  const known = await knownBaseLayers();
  const consumed = (async () => {
    const fs = await loadFilesystem(source, image, 0, known);
    const installed = fs.all().find((f) => f.path.endsWith(`node_modules/${PRIVATE_PACKAGE}/package.json`));
    const downloads = await registry.authenticatedDownloads();
    ctx.measurements["registry.authenticatedDownloads"] = downloads;
    card.judge(
      CHECKS.consumed.id,
      installed !== undefined && downloads > 0,
      installed !== undefined && downloads > 0
        ? {
            message: `${PRIVATE_PACKAGE} is in the image (/${installed.path}) and the private registry served it ${downloads} time(s) to the run's token.`,
          }
        : {
            message: installed
              ? `${PRIVATE_PACKAGE} is in the image, but the private registry never served it to the token: it did not come from this build's install.`
              : `${PRIVATE_PACKAGE} is not in the image: the build never installed the private package, so it proves nothing about the secret.`,
            location: installLocation(model),
          },
    );
  })();
  const leaks = (async () => {
    const search = await searchForLeaks(source, read, image, canary, "cache");
    ctx.measurements["leaks.decodedBytes"] = search.decodedBytes;
    ctx.measurements["leaks.baseLayersSkipped"] = search.baseLayersSkipped;
    ctx.measurements["leaks.found"] = search.findings.length;
    ctx.measurements["image.layers"] = image.manifest.layers.length;
    judgeLeaks(card, LEAK_CHECKS, search, { model, fallback: installLocation(model), secret: "the token" });
  })();
  await settleAll([consumed, leaks]);
}

/** The install that should read the secret: the first RUN with a secret mount, else the first npm RUN, else the final FROM. */
function installLocation(model: DockerfileModel): CheckLocation {
  const runs = model.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === "RUN");
  const install =
    runs.find((i) => mountsOf(i, "secret").length > 0) ?? runs.find((i) => /\bnpm\b/.test(i.command));
  return install
    ? { file: "Dockerfile", line: install.line, endLine: install.endLine }
    : { file: "Dockerfile", line: model.stages.at(-1)?.line ?? 1 };
}
