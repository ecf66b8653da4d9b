import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { buildxInvocations } from "../../harness/workflow/buildx-invocation.ts";
import {
  instancesUsing,
  parseCsvSpecs,
  runInstances,
  stepsUsing,
  type WorkflowModel,
  type WorkflowStep,
} from "../../harness/workflow/workflow-model.ts";
import { CHECKS } from "./checks.ts";
import { at } from "../../harness/grading/kit/locations.ts";
import { usableWorkflow } from "../../harness/grading/kit/usable-workflow.ts";

export const WORKFLOW_FILE = ".github/workflows/build.yml";

interface CacheSpecs {
  readonly from: Record<string, string>[];
  readonly to: Record<string, string>[];
  readonly step: WorkflowStep;
  /** Through Buildx for sure: an action, or `docker buildx build` (a plain `docker build` uses
   * the builder setup-buildx-action made the default, or else the docker driver, which cannot
   * export a gha cache). */
  readonly buildx: boolean;
}

/**
 * Cache specs of every build: build-push-action's inputs, and `docker buildx build|bake` in run
 * scripts (each flag spelling buildx accepts), once per matrix combination.
 */
function cacheSpecs(model: WorkflowModel): CacheSpecs[] {
  const fromAction = instancesUsing(model, "docker/build-push-action").map(({ step, instance }) => ({
    step,
    from: parseCsvSpecs(instance.with["cache-from"] ?? ""),
    to: parseCsvSpecs(instance.with["cache-to"] ?? ""),
    buildx: true,
  }));
  const fromRun = runInstances(model).flatMap(({ step, run }) =>
    buildxInvocations(run)
      .filter((i) => i.command === "build")
      .map((i) => ({ step, from: [...i.cacheFrom], to: [...i.cacheTo], buildx: i.explicit })),
  );
  return [...fromAction, ...fromRun];
}

export function checkWorkflow(parsed: WorkflowModel | undefined, card: Scorecard): void {
  const ids = [
    CHECKS.workflowBuildx.id,
    CHECKS.workflowBuild.id,
    CHECKS.workflowCacheFrom.id,
    CHECKS.workflowCacheMax.id,
  ];
  const model = usableWorkflow(parsed, WORKFLOW_FILE, card, ids);
  if (!model) return;
  const setup = stepsUsing(model, "docker/setup-buildx-action")[0];
  // With setup-buildx-action, a plain `docker build` runs on the builder it set up.
  const specs = cacheSpecs(model).filter((s) => s.buildx || setup !== undefined);
  const build = specs[0]?.step;
  // Where something missing belongs: at the build step, else the job's first step.
  const firstStep = model.steps[0]?.line;
  card.judge(
    CHECKS.workflowBuildx.id,
    setup !== undefined,
    setup
      ? {
          message: `Buildx is set up (line ${setup.line}).`,
          location: { file: WORKFLOW_FILE, line: setup.line },
        }
      : {
          message: "Add a docker/setup-buildx-action step: the gha cache backend needs a Buildx builder.",
          location: at(WORKFLOW_FILE, build?.line, firstStep),
        },
  );

  const plainBuild = runInstances(model).find(({ run }) =>
    buildxInvocations(run).some((i) => i.command === "build" && !i.explicit),
  )?.step;
  card.judge(
    CHECKS.workflowBuild.id,
    build !== undefined,
    build
      ? {
          message: `The image is built with Buildx (line ${build.line}).`,
          location: { file: WORKFLOW_FILE, line: build.line },
        }
      : {
          message: `Build with docker/build-push-action (or docker buildx build)${plainBuild ? ` instead of the plain "docker build" on line ${plainBuild.line}, which without a Buildx builder cannot export a gha cache` : ""}.`,
          location: at(WORKFLOW_FILE, plainBuild?.line, firstStep),
        },
  );

  const from = specs.find((s) => s.from.some((c) => c["type"] === "gha"));
  card.judge(
    CHECKS.workflowCacheFrom.id,
    from !== undefined,
    from
      ? {
          message: "The build imports the gha cache.",
          location: { file: WORKFLOW_FILE, line: from.step.line },
        }
      : {
          message: "Set cache-from: type=gha so the build starts from the previous run's cache.",
          location: at(WORKFLOW_FILE, build?.line, firstStep),
        },
  );

  const toGha = specs.flatMap((s) =>
    s.to.filter((c) => c["type"] === "gha").map((c) => ({ c, step: s.step })),
  );
  const max = toGha.find(({ c }) => c["mode"] === "max");
  if (max) {
    card.pass(CHECKS.workflowCacheMax.id, {
      message: "The build exports the gha cache with mode=max (every stage's layers).",
      location: { file: WORKFLOW_FILE, line: max.step.line },
    });
  } else {
    const first = toGha[0];
    card.fail(CHECKS.workflowCacheMax.id, {
      message: first
        ? `cache-to exports the gha cache in ${first.c["mode"] ?? "min"} mode: only the final stage's layers are kept, so the build stage (and its install) is never restored. Use mode=max.`
        : "Set cache-to: type=gha,mode=max so the next run can reuse every stage.",
      location: at(WORKFLOW_FILE, first?.step.line, build?.line, firstStep),
    });
  }
}
