import { shellAssignments, shellCommands } from "../../harness/workflow/shell-commands.ts";
import type { WorkflowJob, WorkflowModel, WorkflowStep } from "../../harness/workflow/workflow-model.ts";

/** Where the part after `@` of an image reference comes from, as far as the workflow says. */
export type DigestOrigin =
  | { readonly kind: "build-digest"; readonly via: string }
  | { readonly kind: "image-id"; readonly via: string }
  | { readonly kind: "tag" }
  | { readonly kind: "literal"; readonly digest: string }
  | { readonly kind: "unknown"; readonly text: string };

/** A step's place in its workflow: what `$VAR`, `env.X`, `steps.*` and `needs.*` mean there. */
export interface StepScope {
  readonly model: WorkflowModel;
  readonly step: WorkflowStep;
}

const BUILD_ACTIONS = ["docker/build-push-action", "docker/bake-action"];
const MAX_DEPTH = 6;
/** Expressions one search follows at most, whatever their depth. */
const SEARCH_BUDGET = 2000;
/** Characters one expansion may make in all: a value naming another twice per level doubles. */
const MAX_EXPANDED = 16 * 1024;

interface Budget {
  left: number;
}

function jobOf(model: WorkflowModel, id: string): WorkflowJob | undefined {
  return model.jobs.find((j) => j.id === id);
}

/** `NAME=value >> $GITHUB_ENV` (or `$GITHUB_OUTPUT`) lines of a script. */
function fileWrites(script: string, file: "GITHUB_ENV" | "GITHUB_OUTPUT"): Map<string, string> {
  const out = new Map<string, string>();
  const pattern = new RegExp(
    String.raw`(?:echo|printf)\s+(?:'%s\\n'\s+)?["']?([A-Za-z_][\w-]*)=([^\n"']*)["']?\s*>>\s*"?\$\{?${file}\}?"?`,
    "g",
  );
  for (const match of script.matchAll(pattern)) out.set(match[1] ?? "", (match[2] ?? "").trim());
  return out;
}

/** The value a variable has for a step: its script's own assignments, `env:` step > job > workflow, `$GITHUB_ENV` of earlier steps. */
function variable(scope: StepScope, name: string, fromScript: boolean): string | undefined {
  const { model, step } = scope;
  if (fromScript && step.run !== undefined) {
    const assigned = shellAssignments(shellCommands(step.run)).get(name);
    if (assigned !== undefined) return assigned;
  }
  const job = jobOf(model, step.job);
  const direct = step.env[name] ?? job?.env[name] ?? model.env[name];
  if (direct !== undefined) return direct;
  const earlier = model.steps.filter((s) => s.job === step.job && s.line < step.line);
  for (const s of earlier.reverse()) {
    const written = fileWrites(s.run ?? "", "GITHUB_ENV").get(name);
    if (written !== undefined) return written;
  }
  return undefined;
}

/** Replaces `$NAME`, `${NAME}` and `${{ env.NAME }}` by what the workflow says they hold (unknown ones stay). */
export function expandVariables(text: string, scope: StepScope): string {
  const budget = { chars: MAX_EXPANDED };
  const expanded = expandWithin(text, scope, 0, budget);
  // Past the bound, the text as written: what it names stays unknown, never a guess.
  return budget.chars < 0 ? text : expanded;
}

/** One level of expansion; every character any level makes counts against one shared budget. */
function expandWithin(text: string, scope: StepScope, depth: number, budget: { chars: number }): string {
  if (depth > MAX_DEPTH) return text;
  const expand = (whole: string, value: string | undefined): string => {
    if (value === undefined || budget.chars < 0) return whole;
    budget.chars -= value.length;
    return budget.chars < 0 ? whole : expandWithin(value, scope, depth + 1, budget);
  };
  return text
    .replace(/\$\{\{\s*env\.([A-Za-z_]\w*)\s*\}\}/g, (whole, name: string) =>
      expand(whole, variable(scope, name, false)),
    )
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (whole, braced?: string, bare?: string) =>
      expand(whole, variable(scope, braced ?? bare ?? "", true)),
    );
}

/** Whether a step of the job builds and pushes an image (the producer of `digest`/`metadata`). */
function isBuildStep(step: WorkflowStep | undefined): boolean {
  if (!step) return false;
  const action = step.uses?.toLowerCase().split("@")[0];
  if (action !== undefined && BUILD_ACTIONS.includes(action)) return true;
  return /docker\s+(buildx\s+)?(build|bake)\b/.test(step.run ?? "");
}

/** What one `${{ ... }}` expression yields, followed through step outputs, job outputs and env. */
function expressionOrigin(expression: string, scope: StepScope, depth: number, budget: Budget): DigestOrigin {
  const inner = expression.replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  if (depth > MAX_DEPTH) return { kind: "unknown", text: expression };
  // A small workflow can name thousands of expressions per level: the search has a bound.
  if (--budget.left < 0)
    return {
      kind: "unknown",
      text: `${expression} (not followed: the search stopped after ${String(SEARCH_BUDGET)} expressions)`,
    };
  const { model, step } = scope;
  const stepRef = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(inner);
  if (stepRef) {
    const [, id = "", output = ""] = stepRef;
    const producer = model.steps.find((s) => s.job === step.job && s.id === id);
    const via = `steps.${id}.outputs.${output}`;
    if (isBuildStep(producer)) {
      if (output === "digest") return { kind: "build-digest", via };
      if (output === "imageid") return { kind: "image-id", via };
      if (output === "metadata") {
        if (/containerimage\.digest/.test(inner))
          return { kind: "build-digest", via: `${via}: containerimage.digest` };
        if (/containerimage\.config\.digest/.test(inner))
          return { kind: "image-id", via: `${via}: containerimage.config.digest` };
      }
      return { kind: "unknown", text: expression };
    }
    // A run step that wrote the value to $GITHUB_OUTPUT: follow what it wrote.
    const written =
      producer?.run === undefined ? undefined : fileWrites(producer.run, "GITHUB_OUTPUT").get(output);
    if (producer && written !== undefined)
      return valueOrigin(
        expandVariables(written, { model, step: producer }),
        { model, step: producer },
        depth + 1,
        budget,
      );
    return { kind: "unknown", text: expression };
  }
  const needsRef = /needs\.([\w-]+)\.outputs\.([\w-]+)/.exec(inner);
  if (needsRef) {
    const [, jobId = "", output = ""] = needsRef;
    const job = jobOf(model, jobId);
    const value = job?.outputs[output];
    // A job output is evaluated after the job's last step: it sees every step's outputs.
    const last = model.steps.filter((s) => s.job === jobId).at(-1);
    if (value === undefined || !last) return { kind: "unknown", text: expression };
    return valueOrigin(value, { model, step: last }, depth + 1, budget);
  }
  const envRef = /^env\.([A-Za-z_]\w*)$/.exec(inner);
  if (envRef) {
    const value = variable(scope, envRef[1] ?? "", false);
    return value === undefined
      ? { kind: "unknown", text: expression }
      : valueOrigin(value, scope, depth + 1, budget);
  }
  return { kind: "unknown", text: expression };
}

/** The origin of a digest-bearing text (`sha256:...`, an expression, or variables holding one). */
function valueOrigin(text: string, scope: StepScope, depth: number, budget: Budget): DigestOrigin {
  const expanded = expandVariables(text, scope);
  const expressions = expanded.match(/\$\{\{[\s\S]*?\}\}/g) ?? [];
  const origins = expressions.map((e) => expressionOrigin(e, scope, depth, budget));
  const found =
    origins.find((o) => o.kind === "build-digest") ??
    origins.find((o) => o.kind === "image-id") ??
    origins.find((o) => o.kind !== "unknown");
  if (found) return found;
  const literal = /sha256:[0-9a-f]{64}/.exec(expanded);
  if (literal) return { kind: "literal", digest: literal[0] };
  return { kind: "unknown", text: expanded };
}

/**
 * What an image reference in a step names: a digest the build step reported (however it got
 * there), the config digest (`imageid`), a hard-coded digest, a tag, or something the workflow
 * alone cannot tell.
 */
export function referenceOrigin(reference: string, scope: StepScope): DigestOrigin {
  const expanded = expandVariables(reference, scope);
  // Expressions can hold `@` of their own; look for the reference's `@` outside them.
  const masked = expanded.replace(/\$\{\{[\s\S]*?\}\}/g, (e) => "x".repeat(e.length));
  const at = masked.lastIndexOf("@");
  if (at < 0) return { kind: "tag" };
  return valueOrigin(expanded.slice(at + 1), scope, 0, { left: SEARCH_BUDGET });
}
