import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { stepsUsing, type WorkflowModel } from "../../harness/workflow/workflow-model.ts";
import { CHECKS } from "./checks.ts";

export const WORKFLOW_FILE = ".github/workflows/image.yml";

/** Platforms a workflow builds for: build-push-action's input or a `docker buildx build --platform`. */
function platformsOf(model: WorkflowModel): { platforms: string[]; line: number } | undefined {
  const action = stepsUsing(model, "docker/build-push-action").find((s) => s.with["platforms"] !== undefined);
  if (action) return { platforms: split(action.with["platforms"] ?? ""), line: action.line };
  const run = model.steps.find(
    (s) => s.run !== undefined && /docker\s+buildx\s+build[\s\S]*--platform/.test(s.run),
  );
  const flag = run?.run ? /--platform[= ]+["']?([^\s"']+)/.exec(run.run)?.[1] : undefined;
  return run && flag ? { platforms: split(flag), line: run.line } : undefined;
}

function split(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function checkWorkflow(
  model: WorkflowModel | undefined,
  required: readonly string[],
  card: Scorecard,
): void {
  const ids = [
    CHECKS.workflowQemu.id,
    CHECKS.workflowBuildx.id,
    CHECKS.workflowPlatforms.id,
    CHECKS.workflowPush.id,
  ];
  if (!model || model.problems.length > 0) {
    card.failRemaining(ids, {
      message: model
        ? `${WORKFLOW_FILE} does not parse: ${model.problems.join("; ")}`
        : `${WORKFLOW_FILE} is missing.`,
      location: { file: WORKFLOW_FILE },
    });
    return;
  }
  const at = (line?: number) => ({ file: WORKFLOW_FILE, ...(line ? { line } : {}) });
  const qemu = stepsUsing(model, "docker/setup-qemu-action")[0];
  card.judge(
    CHECKS.workflowQemu.id,
    qemu !== undefined,
    qemu
      ? {
          message: "QEMU is set up, so steps that must run for the other platform can.",
          location: at(qemu.line),
        }
      : {
          message:
            "Add docker/setup-qemu-action: without it any RUN step of an arm64 stage fails on an amd64 runner.",
          location: at(),
        },
  );
  const buildx = stepsUsing(model, "docker/setup-buildx-action")[0];
  card.judge(
    CHECKS.workflowBuildx.id,
    buildx !== undefined,
    buildx
      ? { message: "Buildx is set up.", location: at(buildx.line) }
      : {
          message: "Add docker/setup-buildx-action: multi-platform builds need a Buildx builder.",
          location: at(),
        },
  );
  const found = platformsOf(model);
  const missing = required.filter((p) => !found?.platforms.includes(p));
  card.judge(
    CHECKS.workflowPlatforms.id,
    found !== undefined && missing.length === 0,
    found && missing.length === 0
      ? { message: `Builds for ${found.platforms.join(", ")}.`, location: at(found.line) }
      : {
          message: found
            ? `The build's platforms (${found.platforms.join(", ")}) lack ${missing.join(", ")}.`
            : `No platform list: set platforms: ${required.join(",")} on the build step.`,
          location: at(found?.line),
        },
  );
  const build = stepsUsing(model, "docker/build-push-action")[0];
  const pushes =
    (build && /^(true|\$\{\{.*\}\})$/.test((build.with["push"] ?? "").trim())) ||
    model.steps.some((s) => s.run !== undefined && /docker\s+buildx\s+build[\s\S]*--push/.test(s.run));
  card.judge(
    CHECKS.workflowPush.id,
    pushes,
    pushes
      ? {
          message: "The result is pushed: a multi-platform index only exists in a registry.",
          location: at(build?.line),
        }
      : {
          message:
            "Push the build (push: true): an image for two platforms cannot be loaded into a local image store, it is published as an index.",
          location: at(build?.line),
        },
  );
}
