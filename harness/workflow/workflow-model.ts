import { parseAttributes } from "../util/csv-fields.ts";
import { isMap, isSeq, LineCounter, parseDocument, isScalar, type Node } from "yaml";

/** A GitHub Actions workflow as the static checks read it: jobs, steps, inputs, lines. */
export interface WorkflowStep {
  readonly job: string;
  readonly name: string | undefined;
  /** `owner/repo@ref` or a docker:// or local action. */
  readonly uses: string | undefined;
  readonly with: Readonly<Record<string, string>>;
  readonly run: string | undefined;
  readonly line: number;
}

export interface WorkflowModel {
  readonly name: string | undefined;
  readonly steps: readonly WorkflowStep[];
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
  const steps: WorkflowStep[] = [];
  const root = doc.contents;
  if (!isMap(root))
    return {
      name: undefined,
      steps,
      problems: problems.length ? problems : ["the workflow is not a YAML mapping"],
    };
  const jobs = root.get("jobs", true);
  if (!isMap(jobs)) problems.push("the workflow has no jobs");
  else {
    for (const pair of jobs.items) {
      const jobId = isScalar(pair.key) ? String(pair.key.value) : "?";
      if (!isMap(pair.value)) continue;
      const jobSteps = pair.value.get("steps", true);
      if (!isSeq(jobSteps)) continue;
      for (const item of jobSteps.items) {
        if (!isMap(item)) continue;
        const withNode = item.get("with", true);
        const inputs: Record<string, string> = {};
        if (isMap(withNode)) {
          for (const input of withNode.items) {
            if (isScalar(input.key))
              inputs[String(input.key.value)] = isScalar(input.value)
                ? String(input.value.value)
                : String(input.value ?? "");
          }
        }
        const str = (key: string): string | undefined => {
          const v = item.get(key);
          return typeof v === "string" ? v : undefined;
        };
        steps.push({
          job: jobId,
          name: str("name"),
          uses: str("uses"),
          with: inputs,
          run: str("run"),
          line: lineOf(item as Node),
        });
      }
    }
  }
  const name = root.get("name");
  return { name: typeof name === "string" ? name : undefined, steps, problems };
}

/** Steps that use `action` (e.g. "docker/build-push-action"), any version. */
export function stepsUsing(model: WorkflowModel, action: string): WorkflowStep[] {
  return model.steps.filter((s) => s.uses !== undefined && s.uses.toLowerCase().split("@")[0] === action);
}

/** `type=gha,mode=max` -> { type: "gha", mode: "max" }; one spec per line of a multi-line input. */
export function parseCsvSpecs(value: string): Record<string, string>[] {
  return value
    .split(/\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map(parseAttributes);
}
