import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { buildxInvocations, splitList } from "../../harness/workflow/buildx-invocation.ts";
import {
  instancesUsing,
  parseCsvSpecs,
  runInstances,
  stepsUsing,
  type StepInstance,
  type WorkflowModel,
  type WorkflowStep,
} from "../../harness/workflow/workflow-model.ts";
import { CHECKS } from "./checks.ts";
import { at } from "../../harness/grading/kit/locations.ts";
import { usableWorkflow } from "../../harness/grading/kit/usable-workflow.ts";

export const WORKFLOW_FILE = ".github/workflows/image.yml";

/** One build the workflow runs: a step in one matrix combination. */
interface BuildSite {
  readonly step: WorkflowStep;
  readonly instance: StepInstance;
  readonly platforms: readonly string[];
  readonly pushes: boolean;
  readonly byDigest: boolean;
}

/** `true`, or an expression GitHub evaluates at run time (`${{ github.event_name != 'pull_request' }}`). */
function isOn(value: string | undefined): boolean {
  return /^(true|\$\{\{.*\}\})$/.test((value ?? "").trim());
}

function outputsPush(outputs: readonly Record<string, string>[]): { pushes: boolean; byDigest: boolean } {
  return {
    pushes: outputs.some((o) => o["type"] === "registry" || (o["type"] === "image" && o["push"] === "true")),
    byDigest: outputs.some((o) => o["push-by-digest"] === "true"),
  };
}

/**
 * Every build in every documented form: build-push-action (`platforms`, `push`, `outputs`),
 * bake-action (`push`, `set: *.platform=...`), and `docker buildx build|bake` in a script, each
 * once per combination of its job's matrix.
 */
function buildSites(model: WorkflowModel): BuildSite[] {
  const sites: BuildSite[] = [];
  for (const { step, instance } of instancesUsing(model, "docker/build-push-action")) {
    const outputs = outputsPush(parseCsvSpecs(instance.with["outputs"] ?? ""));
    sites.push({
      step,
      instance,
      platforms: splitList(instance.with["platforms"] ?? ""),
      pushes: isOn(instance.with["push"]) || outputs.pushes,
      byDigest: outputs.byDigest,
    });
  }
  for (const { step, instance } of instancesUsing(model, "docker/bake-action")) {
    const sets = (instance.with["set"] ?? "")
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean);
    const [invocation] = buildxInvocations(`docker buildx bake ${sets.map((s) => `--set '${s}'`).join(" ")}`);
    sites.push({
      step,
      instance,
      platforms: invocation?.platforms ?? [],
      pushes: isOn(instance.with["push"]) || invocation?.pushes === true,
      byDigest: invocation?.byDigest === true,
    });
  }
  for (const { step, instance, run } of runInstances(model)) {
    for (const invocation of buildxInvocations(run).filter((i) => i.command !== "imagetools-create"))
      sites.push({ step, instance, ...invocation });
  }
  return sites;
}

/** A job that makes one tag from images pushed by digest (`docker buildx imagetools create`). */
function mergeStep(model: WorkflowModel): WorkflowStep | undefined {
  return runInstances(model).find(({ run }) =>
    buildxInvocations(run).some((i) => i.command === "imagetools-create"),
  )?.step;
}

/** Whether a runner's labels name the architecture natively (GitHub's `-arm` runners, self-hosted `ARM64`). */
function nativeRunner(runsOn: string, platform: string): boolean {
  const arch = platform.split("/")[1] ?? "";
  if (arch === "amd64") return !/arm/i.test(runsOn) && !/macos/i.test(runsOn);
  if (arch === "arm64") return /(^|[\s-])arm(64)?($|[\s-])|aarch64/i.test(runsOn);
  return false;
}

export function checkWorkflow(
  parsed: WorkflowModel | undefined,
  required: readonly string[],
  card: Scorecard,
): void {
  const ids = [
    CHECKS.workflowQemu.id,
    CHECKS.workflowBuildx.id,
    CHECKS.workflowPlatforms.id,
    CHECKS.workflowPush.id,
  ];
  const model = usableWorkflow(parsed, WORKFLOW_FILE, card, ids);
  if (!model) return;
  const sites = buildSites(model);
  // Where something missing belongs: at the (first) build step, else the first step.
  const here = (line?: number) => at(WORKFLOW_FILE, line, sites[0]?.step.line, model.steps[0]?.line);
  const platforms = [...new Set(sites.flatMap((s) => s.platforms))];

  const qemu = stepsUsing(model, "docker/setup-qemu-action")[0];
  const foreign = sites.flatMap((s) =>
    s.platforms.filter((p) => p !== "linux/amd64").map((platform) => ({ site: s, platform })),
  );
  const native =
    foreign.length > 0 && foreign.every(({ site, platform }) => nativeRunner(site.instance.runsOn, platform));
  card.judge(
    CHECKS.workflowQemu.id,
    qemu !== undefined || native,
    qemu
      ? {
          message: "QEMU is set up, so steps that must run for the other platform can.",
          location: here(qemu.line),
        }
      : native
        ? {
            message: `No emulation needed: each platform builds on a native runner (${foreign.map(({ site, platform }) => `${platform} on ${site.instance.runsOn}`).join(", ")}).`,
            location: here(foreign[0]?.site.step.line),
          }
        : {
            message:
              "Add docker/setup-qemu-action (or build each platform on a native runner): without either, any RUN step of an arm64 stage fails on an amd64 runner.",
            location: here(),
          },
  );
  const buildx = stepsUsing(model, "docker/setup-buildx-action")[0];
  card.judge(
    CHECKS.workflowBuildx.id,
    buildx !== undefined,
    buildx
      ? { message: "Buildx is set up.", location: here(buildx.line) }
      : {
          message: "Add docker/setup-buildx-action: multi-platform builds need a Buildx builder.",
          location: here(),
        },
  );

  const missing = required.filter((p) => !platforms.includes(p));
  const withPlatforms = sites.find((s) => s.platforms.length > 0);
  const unresolved = platforms.filter((p) => p.includes("${{"));
  card.judge(
    CHECKS.workflowPlatforms.id,
    platforms.length > 0 && missing.length === 0,
    platforms.length > 0 && missing.length === 0
      ? {
          message: `Builds for ${platforms.join(", ")}${sites.length > 1 ? ` across ${sites.length} builds` : ""}.`,
          location: here(withPlatforms?.step.line),
        }
      : {
          message:
            platforms.length > 0
              ? `The builds' platforms (${platforms.join(", ")}) lack ${missing.join(", ")}.${unresolved.length || model.unresolved.length ? " Expressions other than matrix values cannot be read before the run: list the platforms in the workflow." : ""}`
              : `No platform list: set platforms: ${required.join(",")} on the build step (or build each platform from a matrix).${model.unresolved.length ? ` (${model.unresolved.join("; ")}: known only when the workflow runs.)` : ""}`,
          location: here(withPlatforms?.step.line ?? sites[0]?.step.line),
        },
  );

  const pushing = sites.filter((s) => s.pushes);
  const merge = mergeStep(model);
  const digestOnly = pushing.length > 0 && pushing.every((s) => s.byDigest);
  const tagged = pushing.length > 0 && (!digestOnly || merge !== undefined);
  card.judge(
    CHECKS.workflowPush.id,
    tagged,
    tagged
      ? {
          message: merge
            ? `Each platform is pushed by digest and line ${merge.line} merges them into one tag with imagetools create.`
            : "The result is pushed: a multi-platform index only exists in a registry.",
          location: here(merge?.line ?? pushing[0]?.step.line),
        }
      : digestOnly
        ? {
            message:
              "Each platform is pushed by digest only, and nothing makes one tag of them: add a job that needs the builds and runs docker buildx imagetools create -t <tag> with their digests.",
            location: here(pushing[0]?.step.line),
          }
        : {
            message:
              "Push the build (push: true): an image for two platforms cannot be loaded into a local image store, it is published as an index.",
            location: here(sites[0]?.step.line),
          },
  );
}
