import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import type { BakeFileRead } from "../../harness/buildx/bake-file.ts";
import type { SubmissionFiles } from "../../harness/grading/grader.ts";
import { at, problemLocation } from "../../harness/grading/kit/locations.ts";
import { unreadableOr } from "../../harness/grading/kit/text-file.ts";
import { workflowOf } from "../../harness/grading/kit/workflow-file.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { buildxInvocations } from "../../harness/workflow/buildx-invocation.ts";
import { builderFor, type BuilderChoice } from "../../harness/workflow/builder-selection.ts";
import {
  instancesUsing,
  runInstances,
  type WorkflowModel,
  type WorkflowStep,
} from "../../harness/workflow/workflow-model.ts";
import { canonicalReference } from "../../harness/inspect/image-reference.ts";
import { cacheTo, exportedRefs, importedRefs, targetsByService } from "./cache-settings.ts";
import {
  BAKE_FILE,
  BAKE_IDS,
  CHECKS,
  SERVICES,
  WORKFLOW_FILE,
  WORKFLOW_IDS,
  type Service,
} from "./checks.ts";

type ResolvedBake = Extract<BakeFileRead, { ok: true }>;

/** The bake file's checks, on what `buildx bake --print` resolved with the exercise's REGISTRY. */
export function checkBake(files: SubmissionFiles, card: Scorecard): ResolvedBake | undefined {
  const text = files.text(BAKE_FILE);
  const read = files.bakeFile;
  if (text === undefined || read === undefined || !read.ok) {
    card.failRemaining(BAKE_IDS, {
      message:
        text === undefined
          ? unreadableOr(
              files,
              BAKE_FILE,
              `There is no ${BAKE_FILE}: write one at the top of the exercise folder.`,
            )
          : `docker buildx bake could not read ${BAKE_FILE}: ${read && !read.ok ? read.message : "it was not read"}`,
      location: at(BAKE_FILE, read && !read.ok ? read.line : undefined, 1),
    });
    return undefined;
  }
  card.pass(CHECKS.bakeParses.id, {
    message: `bake resolves the default group to ${read.targets.map((t) => t.name).join(", ") || "nothing"}.`,
  });
  const byService = targetsByService(read.targets, read.dir);
  const missing = SERVICES.filter((s) => !byService[s]);
  card.judge(
    CHECKS.bothTargets.id,
    missing.length === 0,
    missing.length === 0
      ? {
          message: `The default group builds the api (${byService.api?.name}) and the worker (${byService.worker?.name}).`,
        }
      : {
          message: `The default group has no target built from ./${missing.join(" or ./")}: list one target per service in group "default", each with its folder as context.`,
          location: at(BAKE_FILE, blockLine(text, "group", "default"), 1),
        },
  );
  const present = SERVICES.flatMap((s) => {
    const t = byService[s];
    return t ? [{ service: s, target: t }] : [];
  });
  if (present.length === 0) {
    card.failRemaining(BAKE_IDS, {
      message: "Not measured: no target of the default group builds ./api or ./worker.",
      location: at(BAKE_FILE, blockLine(text, "group", "default"), 1),
    });
    return read;
  }
  checkRegistryVariable(files, text, present, card);
  checkCacheMode(text, present, card);
  checkCacheDistinct(text, present, card);
  checkCacheImported(text, present, card);
  return read;
}

interface ServiceTarget {
  readonly service: Service;
  readonly target: BakeTarget;
}

function checkRegistryVariable(
  files: SubmissionFiles,
  text: string,
  present: readonly ServiceTarget[],
  card: Scorecard,
): void {
  const registry = files.exercise.bake?.variables["REGISTRY"];
  if (registry === undefined) throw new Error("exercise.json sets no REGISTRY for the bake file");
  const problems: { message: string; line: number | undefined }[] = [];
  for (const { target } of present) {
    if (target.tags.length === 0)
      problems.push({
        message: `${target.name} has no tag, so CI cannot push it`,
        line: attributeLine(text, target.name, "tags"),
      });
    const refs: [string, string][] = [
      ...target.tags.map((t): [string, string] => ["tags", t]),
      ...exportedRefs(target).map((r): [string, string] => ["cache-to", r]),
      ...importedRefs(target).map((r): [string, string] => ["cache-from", r]),
    ];
    for (const [attribute, ref] of refs)
      if (!ref.startsWith(registry))
        problems.push({
          message: `${target.name}'s ${attribute} "${ref}" does not start with \${REGISTRY}`,
          line: attributeLine(text, target.name, attribute),
        });
  }
  const first = problems[0];
  card.judge(
    CHECKS.registryVariable.id,
    first === undefined,
    first === undefined
      ? { message: "Every tag and cache reference follows REGISTRY (the grader set it to its own registry)." }
      : {
          message: `${problems.map((p) => p.message).join("; ")}. Build each reference as "\${REGISTRY}/...", so CI and the grader can point the images and caches at their registry.`,
          location: at(BAKE_FILE, first.line, 1),
        },
  );
}

function checkCacheMode(text: string, present: readonly ServiceTarget[], card: Scorecard): void {
  const problems: { message: string; line: number | undefined }[] = [];
  for (const { target } of present) {
    const entries = cacheTo(target);
    const line = attributeLine(text, target.name, "cache-to");
    if (entries.length === 0)
      problems.push({ message: `${target.name} exports no cache (no cache-to)`, line });
    else if (!entries.some((e) => e.type === "registry" && e.ref !== undefined && e.mode === "max")) {
      const kinds = entries.map((e) =>
        e.type === "inline"
          ? "an inline cache, which is always min mode"
          : e.type === "registry"
            ? e.ref === undefined
              ? "a registry cache without ref"
              : `a registry cache in ${e.mode} mode`
            : `a ${e.type} cache`,
      );
      problems.push({ message: `${target.name} exports ${kinds.join(" and ")}`, line });
    }
  }
  const first = problems[0];
  card.judge(
    CHECKS.cacheMax.id,
    first === undefined,
    first === undefined
      ? { message: "Each image exports a registry cache with mode=max: build stages are kept too." }
      : {
          message: `${problems.map((p) => p.message).join("; ")}. Export "type=registry,ref=\${REGISTRY}/<image>:<cache tag>,mode=max": min mode keeps only the final image's layers, so a new runner redoes every build stage.`,
          location: at(BAKE_FILE, first.line, 1),
        },
  );
}

function checkCacheDistinct(text: string, present: readonly ServiceTarget[], card: Scorecard): void {
  // Keyed as the registry resolves them: `cache` and `cache:latest` are one reference.
  const owners = new Map<string, { ref: string; names: string[] }>();
  for (const { target } of present)
    for (const ref of exportedRefs(target)) {
      const key = canonicalReference(ref);
      const owner = owners.get(key) ?? { ref, names: [] };
      if (!owner.names.includes(target.name))
        owners.set(key, { ...owner, names: [...owner.names, target.name] });
    }
  const shared = [...owners.values()]
    .filter(({ names }) => names.length > 1)
    .map(({ ref, names }) => [ref, names] as const);
  const first = shared[0];
  card.judge(
    CHECKS.cacheDistinct.id,
    first === undefined,
    first === undefined
      ? { message: "Each image writes a cache reference of its own." }
      : {
          message: `${first[1].join(" and ")} both write their cache to ${first[0]}: each export replaces the other's, so one image always starts cold. Give each image its own cache reference.`,
          location: at(
            BAKE_FILE,
            attributeLine(text, first[1][1] ?? "", "cache-to"),
            attributeLine(text, first[1][0] ?? "", "cache-to"),
            1,
          ),
        },
  );
}

function checkCacheImported(text: string, present: readonly ServiceTarget[], card: Scorecard): void {
  const problems: { message: string; line: number | undefined }[] = [];
  for (const { target } of present) {
    const exported = exportedRefs(target);
    const imported = new Set(importedRefs(target).map(canonicalReference));
    const inline = cacheTo(target).some((e) => e.type === "inline");
    // An inline cache travels inside the pushed image: reading it back means importing a tag.
    const readsBack =
      exported.some((r) => imported.has(canonicalReference(r))) ||
      (inline && target.tags.some((t) => imported.has(canonicalReference(t))));
    if (!readsBack)
      problems.push({
        message:
          imported.size === 0
            ? `${target.name} imports no cache (no cache-from)`
            : `${target.name} imports ${importedRefs(target).join(", ")} but writes ${exported.join(", ") || "no registry cache"}`,
        line: attributeLine(text, target.name, imported.size === 0 ? "cache-to" : "cache-from"),
      });
  }
  const first = problems[0];
  card.judge(
    CHECKS.cacheImported.id,
    first === undefined,
    first === undefined
      ? { message: "Each image imports the cache reference it exports." }
      : {
          message: `${problems.map((p) => p.message).join("; ")}. A cache that is written but never read does not speed anything up: add the same reference to cache-from.`,
          location: at(BAKE_FILE, first.line, 1),
        },
  );
}

/** A bake or build that CI runs, wherever it is written. */
interface CiBuild {
  readonly step: WorkflowStep;
  readonly kind: "bake" | "build";
  /** Bake's targets and groups as named; empty for the default group. */
  readonly targets: readonly string[];
  readonly pushes: boolean;
  /** The builder the call names (`--builder`, the action's `builder` input), if it names one. */
  readonly builder: string | undefined;
}

function ciBuilds(model: WorkflowModel): CiBuild[] {
  const out: CiBuild[] = [];
  for (const { step, instance } of instancesUsing(model, "docker/bake-action")) {
    const sets = (instance.with["set"] ?? "").split("\n");
    out.push({
      step,
      kind: "bake",
      targets: (instance.with["targets"] ?? "")
        .split(/[,\n]/)
        .map((t) => t.trim())
        .filter(Boolean),
      pushes:
        instance.with["push"] === "true" ||
        sets.some((s) => /\.push=true$/.test(s.trim()) || /\.output=.*type=registry/.test(s)),
      builder: instance.with["builder"] || undefined,
    });
  }
  for (const { step } of instancesUsing(model, "docker/build-push-action"))
    out.push({ step, kind: "build", targets: [], pushes: false, builder: undefined });
  for (const { step, run } of runInstances(model))
    for (const call of buildxInvocations(run))
      if (call.command === "bake")
        out.push({ step, kind: "bake", targets: call.operands, pushes: call.pushes, builder: call.builder });
      else if (call.command === "build")
        out.push({ step, kind: "build", targets: [], pushes: call.pushes, builder: call.builder });
  return out.sort((a, b) => a.step.line - b.step.line);
}

/** The default group's targets a bake call builds: all of them without operands, else those named. */
function covers(call: CiBuild, bake: ResolvedBake): Set<string> {
  const names = call.targets.length === 0 ? ["default"] : call.targets;
  const out = new Set<string>();
  const expand = (name: string, seen: Set<string>): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const members = bake.groups[name];
    if (members) for (const m of members) expand(m, seen);
    else out.add(name);
  };
  for (const name of names) expand(name, new Set());
  return out;
}

/** The workflow's checks: one bake call for both images, on a builder that can export caches. */
export function checkWorkflow(files: SubmissionFiles, card: Scorecard, bake: ResolvedBake | undefined): void {
  const model = workflowOf(files, WORKFLOW_FILE);
  if (model === undefined) {
    card.failRemaining(WORKFLOW_IDS, {
      message: `There is no ${WORKFLOW_FILE}: CI needs it to build the images.`,
      location: { file: WORKFLOW_FILE, line: 1 },
    });
    return;
  }
  if (model.problems.length > 0) {
    card.failRemaining(WORKFLOW_IDS, {
      message: `${WORKFLOW_FILE} is not valid YAML: ${model.problems.join("; ")}`,
      location: problemLocation(WORKFLOW_FILE, model.problems),
    });
    return;
  }
  const builds = ciBuilds(model);
  const bakes = builds.filter((b) => b.kind === "bake");
  const others = builds.filter((b) => b.kind === "build");
  const firstLine = builds[0]?.step.line ?? model.jobs[0]?.line ?? 1;
  const wanted = bake ? bake.targets.map((t) => t.name) : [];
  const only = bakes.length === 1 ? bakes[0] : undefined;
  const missing = only && bake ? wanted.filter((t) => !covers(only, bake).has(t)) : [];
  let problem: { message: string; line: number } | undefined;
  if (bakes.length === 0)
    problem = {
      message: "No step runs bake: build both images with docker/bake-action or `docker buildx bake`.",
      line: firstLine,
    };
  else if (!only)
    problem = {
      message: `${bakes.length} bake calls (lines ${bakes.map((b) => b.step.line).join(", ")}): each waits for the one before. One call for the default group builds both images side by side and shares their common steps.`,
      line: bakes[1]?.step.line ?? firstLine,
    };
  else if (others.length > 0)
    problem = {
      message: `Besides bake, line ${others[0]?.step.line} builds an image on its own: let the one bake call build both.`,
      line: others[0]?.step.line ?? firstLine,
    };
  else if (missing.length > 0)
    problem = {
      message: `The bake call does not build ${missing.join(", ")}: call it for the default group.`,
      line: only.step.line,
    };
  else if (!only.pushes)
    problem = {
      message:
        "The bake call does not push: set push: true (or --push), so the images and the next runner's cache reach the registry.",
      line: only.step.line,
    };
  card.judge(
    CHECKS.oneBake.id,
    problem === undefined,
    problem === undefined
      ? {
          message: `One bake call (line ${only?.step.line}) builds and pushes ${wanted.join(" and ") || "the default group"}.`,
        }
      : { message: problem.message, location: at(WORKFLOW_FILE, problem.line) },
  );

  const call = bakes[0];
  if (!call) {
    card.fail(CHECKS.builder.id, {
      message: "No bake step to set a builder up for.",
      location: at(WORKFLOW_FILE, firstLine),
    });
    return;
  }
  judgeBuilder(card, builderFor(model, call.step, call.builder), call, model);
}

/** The builder the bake call really runs on must be able to export a registry cache. */
function judgeBuilder(card: Scorecard, choice: BuilderChoice, call: CiBuild, model: WorkflowModel): void {
  if (choice.driver !== "docker") {
    card.pass(CHECKS.builder.id, {
      message:
        choice.driver === undefined
          ? `The bake call runs on ${choice.how}: its driver cannot be read from the workflow, so the cache checks on the engine decide.`
          : `The bake call runs on ${choice.how}, which can export a registry cache.`,
    });
    return;
  }
  const dockerSetup = instancesUsing(model, "docker/setup-buildx-action").some(
    ({ step, instance }) => step.job === call.step.job && instance.with["driver"] === "docker",
  );
  card.fail(CHECKS.builder.id, {
    message: `The bake call runs on ${choice.how}, which cannot export a registry cache: ${
      dockerSetup
        ? "leave setup-buildx-action's driver at its default (docker-container)."
        : "add docker/setup-buildx-action before the bake step (or `docker buildx create --use`), and do not name the default builder."
    }`,
    location: at(WORKFLOW_FILE, choice.line, call.step.line),
  });
}

/** The line of `attribute =` inside `target "name" { ... }`, else the block's line, else any such line. */
export function attributeLine(text: string, target: string, attribute: string): number | undefined {
  const lines = text.split("\n");
  const start = blockLine(text, "target", target);
  const pattern = new RegExp(`^\\s*"?${attribute.replace(/[-.]/g, "\\$&")}"?\\s*=`);
  if (start !== undefined) {
    for (let i = start; i < lines.length; i++) {
      if (/^\s*(target|group|variable|function)\s/.test(lines[i] ?? "")) break;
      if (pattern.test(lines[i] ?? "")) return i + 1;
    }
    return start;
  }
  const any = lines.findIndex((l) => pattern.test(l));
  return any >= 0 ? any + 1 : undefined;
}

/** The line of `kind "name" {`. */
export function blockLine(text: string, kind: string, name: string): number | undefined {
  const pattern = new RegExp(`^\\s*${kind}\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);
  const index = text.split("\n").findIndex((l) => pattern.test(l));
  return index >= 0 ? index + 1 : undefined;
}
