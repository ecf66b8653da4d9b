import { dockerCalls } from "./buildx-invocation.ts";
import { instancesUsing, type WorkflowModel, type WorkflowStep } from "./workflow-model.ts";

/** A builder a job makes or selects, in step order. */
export type BuilderEvent =
  | {
      readonly kind: "create";
      readonly name: string | undefined;
      /** The setup-buildx step's id, whose `outputs.name` names this builder. */
      readonly stepId: string | undefined;
      readonly driver: string;
      readonly use: boolean;
      readonly line: number;
    }
  | { readonly kind: "use"; readonly name: string; readonly line: number };

/** The builder a build or bake call runs on, as far as the workflow's text tells. */
export interface BuilderChoice {
  /** The driver, or undefined when the text cannot tell (a builder named from elsewhere). */
  readonly driver: string | undefined;
  /** How it was chosen, in words for a message. */
  readonly how: string;
  /** The step that made or chose it, when one did. */
  readonly line: number | undefined;
}

/** Flags of `docker buildx create` that take a value (everything else is a switch or the endpoint). */
const CREATE_VALUE_FLAGS = new Set([
  "--driver",
  "--name",
  "--driver-opt",
  "--buildkitd-flags",
  "--buildkitd-config",
  "--config",
  "--platform",
  "--node",
  "--bootstrap-timeout",
]);

/** `docker buildx create` and `docker buildx use` in a run script (pure). */
export function builderCommands(script: string, line: number): BuilderEvent[] {
  const out: BuilderEvent[] = [];
  for (const call of dockerCalls(script)) {
    if (call.sub === "create") {
      const flags = readFlags(call.rest);
      out.push({
        kind: "create",
        name: flags.get("--name"),
        stepId: undefined,
        driver: flags.get("--driver") ?? "docker-container",
        use: flags.has("--use"),
        line,
      });
    } else if (call.sub === "use") {
      const name = call.rest.find((w) => !w.startsWith("-"));
      if (name) out.push({ kind: "use", name, line });
    }
  }
  return out;
}

function readFlags(words: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    if (!word.startsWith("-")) continue;
    const eq = word.indexOf("=");
    if (eq > 0) flags.set(word.slice(0, eq), word.slice(eq + 1));
    else if (CREATE_VALUE_FLAGS.has(word)) flags.set(word, words[++i] ?? "");
    else flags.set(word, "");
  }
  return flags;
}

/** What the steps of `job` before `line` make and select, in order (pure). */
function eventsBefore(model: WorkflowModel, job: string, line: number): BuilderEvent[] {
  const setups = new Map(
    instancesUsing(model, "docker/setup-buildx-action").map((s) => [s.step, s.instance]),
  );
  return model.steps
    .filter((step) => step.job === job && step.line < line)
    .flatMap((step): BuilderEvent[] => {
      const setup = setups.get(step);
      if (setup)
        return [
          {
            kind: "create",
            name: setup.with["name"] || undefined,
            stepId: step.id,
            driver: setup.with["driver"] || "docker-container",
            use: setup.with["use"] !== "false",
            line: step.line,
          },
        ];
      return step.instances.flatMap((i) => (i.run === undefined ? [] : builderCommands(i.run, step.line)));
    });
}

/**
 * The builder a call in `step` runs on (pure): the one it names (`--builder`, the bake action's
 * `builder` input, BUILDX_BUILDER), else the last one a step before it made current (setup-buildx
 * unless `use: false`, `buildx create --use`, `buildx use`), else the docker driver's default.
 */
export function builderFor(
  model: WorkflowModel,
  step: WorkflowStep,
  named: string | undefined,
): BuilderChoice {
  const events = eventsBefore(model, step.job, step.line);
  const job = model.jobs.find((j) => j.id === step.job);
  const name =
    named || step.env["BUILDX_BUILDER"] || job?.env["BUILDX_BUILDER"] || model.env["BUILDX_BUILDER"];
  if (name) return byName(events, name.trim());
  let current: BuilderChoice | undefined;
  for (const event of events) {
    if (event.kind === "create" && event.use)
      current = {
        driver: event.driver,
        how: `the ${event.driver} builder made at line ${event.line}`,
        line: event.line,
      };
    else if (event.kind === "use") current = { ...byName(events, event.name), line: event.line };
  }
  return (
    current ?? { driver: "docker", how: "the runner's default builder (the docker driver)", line: undefined }
  );
}

function byName(events: readonly BuilderEvent[], name: string): BuilderChoice {
  if (name === "default")
    return { driver: "docker", how: 'the builder named "default" (the docker driver)', line: undefined };
  const output = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.name\s*\}\}$/.exec(name)?.[1];
  for (const event of [...events].reverse())
    if (event.kind === "create" && (event.name === name || (output !== undefined && event.stepId === output)))
      return {
        driver: event.driver,
        how: `the ${event.driver} builder made at line ${event.line}`,
        line: event.line,
      };
  return { driver: undefined, how: `a builder named ${name} that no step before it makes`, line: undefined };
}
