import { parseAttributes } from "../util/csv-fields.ts";
import { isMap, isNode, isSeq, LineCounter, parseDocument, isScalar, type Node } from "yaml";
import { expandMatrix, resolveMatrix, type Combination } from "./matrix.ts";

/** A GitHub Actions workflow as the static checks read it: jobs, steps, inputs, lines. */
export interface WorkflowStep {
  readonly job: string;
  /** The step's `id:` (what `steps.<id>.outputs` refers to). */
  readonly id: string | undefined;
  readonly name: string | undefined;
  /** `owner/repo@ref` or a docker:// or local action. */
  readonly uses: string | undefined;
  readonly with: Readonly<Record<string, string>>;
  readonly run: string | undefined;
  /** The step's own `env:`, values as written. */
  readonly env: Readonly<Record<string, string>>;
  readonly line: number;
  /**
   * The step once per combination of its job's matrix, `${{ matrix.* }}` resolved in its inputs,
   * its script and the job's runner. One instance when the job has no matrix.
   */
  readonly instances: readonly StepInstance[];
}

export interface StepInstance {
  readonly matrix: Combination;
  readonly with: Readonly<Record<string, string>>;
  readonly run: string | undefined;
  /** The job's `runs-on`, labels joined by spaces. */
  readonly runsOn: string;
}

export interface WorkflowJob {
  readonly id: string;
  readonly line: number;
  readonly needs: readonly string[];
  readonly combinations: readonly Combination[];
  /** The job's own `permissions:` (undefined: the workflow's apply). */
  readonly permissions: Permissions | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** `outputs:` (what `needs.<job>.outputs` refers to), values as written. */
  readonly outputs: Readonly<Record<string, string>>;
}

/** `permissions:` as written: `read-all`, `write-all`, or scope by scope. */
export type Permissions = "read-all" | "write-all" | Readonly<Record<string, string>>;

export interface WorkflowModel {
  readonly name: string | undefined;
  readonly steps: readonly WorkflowStep[];
  readonly jobs: readonly WorkflowJob[];
  readonly permissions: Permissions | undefined;
  readonly env: Readonly<Record<string, string>>;
  /** What is valid but only known when the workflow runs (a matrix from `fromJSON(...)`). */
  readonly unresolved: readonly string[];
  readonly problems: readonly string[];
}

export function parseWorkflow(text: string): WorkflowModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const problems = doc.errors.map(
    (e) => `line ${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0] ?? e.message}`,
  );
  const lineOf = (node: Node | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  const toJs = (node: unknown): unknown => (isNode(node) ? node.toJS(doc) : node);
  const steps: WorkflowStep[] = [];
  const jobList: WorkflowJob[] = [];
  const unresolved: string[] = [];
  const root = doc.contents;
  if (!isMap(root))
    return {
      name: undefined,
      steps,
      jobs: jobList,
      permissions: undefined,
      env: {},
      unresolved,
      problems: problems.length ? problems : ["the workflow is not a YAML mapping"],
    };
  const jobs = root.get("jobs", true);
  if (!isMap(jobs)) problems.push("the workflow has no jobs");
  else {
    for (const pair of jobs.items) {
      const jobId = isScalar(pair.key) ? String(pair.key.value) : "?";
      if (!isMap(pair.value)) continue;
      const job = pair.value;
      const strategy = job.get("strategy", true);
      const matrix = expandMatrix(isMap(strategy) ? toJs(strategy.get("matrix", true)) : undefined);
      unresolved.push(...matrix.unresolved.map((u) => `job ${jobId}: ${u}`));
      const needsValue = toJs(job.get("needs", true));
      const runsOnValue = toJs(job.get("runs-on", true));
      const runsOn = Array.isArray(runsOnValue)
        ? runsOnValue.map(String).join(" ")
        : typeof runsOnValue === "object" && runsOnValue !== null
          ? JSON.stringify(runsOnValue)
          : scalarText(runsOnValue);
      jobList.push({
        id: jobId,
        line: lineOf(pair.key as Node),
        permissions: permissionsOf(toJs(job.get("permissions", true))),
        env: textMap(toJs(job.get("env", true))),
        outputs: textMap(toJs(job.get("outputs", true))),
        needs: Array.isArray(needsValue)
          ? needsValue.map(scalarText)
          : needsValue
            ? [scalarText(needsValue)]
            : [],
        combinations: matrix.combinations,
      });
      const jobSteps = job.get("steps", true);
      if (!isSeq(jobSteps)) continue;
      for (const item of jobSteps.items) {
        if (!isMap(item)) continue;
        const withNode = item.get("with", true);
        const inputs: Record<string, string> = {};
        if (isMap(withNode)) {
          for (const input of withNode.items) {
            if (isScalar(input.key))
              // An input with no value (`builder:`) is empty to GitHub, never the text "null".
              inputs[String(input.key.value)] = scalarText(
                isScalar(input.value) ? input.value.value : input.value,
              );
          }
        }
        const str = (key: string): string | undefined => {
          const v = item.get(key);
          return typeof v === "string" ? v : undefined;
        };
        const run = str("run");
        steps.push({
          job: jobId,
          id: str("id"),
          env: textMap(toJs(item.get("env", true))),
          name: str("name"),
          uses: str("uses"),
          with: inputs,
          run,
          line: lineOf(item),
          instances: matrix.combinations.map((combination) => ({
            matrix: combination,
            with: Object.fromEntries(
              Object.entries(inputs).map(([k, v]) => [k, resolveMatrix(v, combination)]),
            ),
            run: run === undefined ? undefined : resolveMatrix(run, combination),
            runsOn: resolveMatrix(runsOn, combination),
          })),
        });
      }
    }
  }
  const name = root.get("name");
  return {
    name: typeof name === "string" ? name : undefined,
    steps,
    jobs: jobList,
    permissions: permissionsOf(toJs(root.get("permissions", true))),
    env: textMap(toJs(root.get("env", true))),
    unresolved,
    problems,
  };
}

/**
 * The access a job's token has to one scope (`id-token`, `packages`...): the job's own
 * `permissions:` replace the workflow's entirely; a scope a map leaves out has none. With neither,
 * the repository's default applies, which never includes `id-token`: "default".
 */
export function permissionFor(
  model: WorkflowModel,
  jobId: string,
  scope: string,
): "read" | "write" | "none" | "default" {
  const job = model.jobs.find((j) => j.id === jobId);
  const permissions = job?.permissions ?? model.permissions;
  if (permissions === undefined) return "default";
  if (permissions === "write-all") return "write";
  if (permissions === "read-all") return "read";
  const level = permissions[scope];
  return level === "write" || level === "read" ? level : "none";
}

function permissionsOf(value: unknown): Permissions | undefined {
  if (value === "read-all" || value === "write-all") return value;
  if (value === undefined || value === null) return undefined;
  // `permissions: {}` is valid and means no access at all.
  return textMap(value);
}

/** A YAML mapping of scalars as text (env, outputs, permissions); anything else is empty. */
function textMap(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarText(v)]));
}

/** Steps that use `action` (e.g. "docker/build-push-action"), any version. */
export function stepsUsing(model: WorkflowModel, action: string): WorkflowStep[] {
  return model.steps.filter((s) => s.uses !== undefined && s.uses.toLowerCase().split("@")[0] === action);
}

/** Every instance of every step using `action`, with the step it belongs to. */
export function instancesUsing(
  model: WorkflowModel,
  action: string,
): { step: WorkflowStep; instance: StepInstance }[] {
  return stepsUsing(model, action).flatMap((step) => step.instances.map((instance) => ({ step, instance })));
}

/** Every instance of every `run:` step, with the step it belongs to. */
export function runInstances(
  model: WorkflowModel,
): { step: WorkflowStep; instance: StepInstance; run: string }[] {
  return model.steps.flatMap((step) =>
    step.instances.flatMap((instance) =>
      instance.run === undefined ? [] : [{ step, instance, run: instance.run }],
    ),
  );
}

/** `type=gha,mode=max` -> { type: "gha", mode: "max" }; one spec per line of a multi-line input. */
export function parseCsvSpecs(value: string): Record<string, string>[] {
  return value
    .split(/\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map(parseAttributes);
}

/** A YAML value as text: scalars as written, anything else (a map, a list) as JSON. */
function scalarText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value);
}
