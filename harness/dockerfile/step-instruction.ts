import type { DockerfileModel, InstructionModel } from "./dockerfile-model.ts";

/** What a build step says about where it comes from (see harness/buildx/vertex-name.ts). */
export interface StepPosition {
  readonly stage: string | undefined;
  readonly index: number | undefined;
  readonly instruction: string | undefined;
  readonly text: string;
}

/** The instructions BuildKit numbers in a step's `[stage i/n]`: those that make a vertex. */
const NUMBERED = new Set(["ADD", "COPY", "RUN", "WORKDIR"]);

/**
 * The Dockerfile instruction a build step ran (pure), found from what BuildKit says rather than
 * by matching text. BuildKit names a step `[stage i/n]`: the stage is its lower-cased name,
 * `stage-N` when unnamed, or nothing when the Dockerfile has one stage; i counts the stage's ADD,
 * COPY, RUN and WORKDIR instructions, after a FROM that counts 1 when it pulls an image (not
 * `scratch`, not an earlier stage). A step whose keyword does not match (ONBUILD triggers shift
 * the count) is not located.
 */
export function instructionOfStep(model: DockerfileModel, step: StepPosition): InstructionModel | undefined {
  if (step.index === undefined) return undefined;
  const stage =
    step.stage === undefined
      ? model.stages.length === 1
        ? model.stages[0]
        : undefined
      : (model.stages.find((s) => s.name?.toLowerCase() === step.stage) ??
        (/^stage-\d+$/.test(step.stage) ? model.stages[Number(step.stage.slice(6))] : undefined));
  if (!stage) return undefined;
  const base = stage.baseImage.toLowerCase();
  const fromStage = model.stages.some((s) => s.index < stage.index && s.name?.toLowerCase() === base);
  const offset = base === "scratch" || fromStage ? 0 : 1;
  const instruction = stage.instructions.filter((i) => NUMBERED.has(i.keyword))[step.index - 1 - offset];
  return instruction && instruction.keyword === step.instruction ? instruction : undefined;
}

/**
 * The command a step runs: the whole script of its Dockerfile instruction (heredoc bodies
 * included, which BuildKit shortens to their first line in the step's name), else the name's text.
 */
export function stepCommand(model: DockerfileModel | undefined, step: StepPosition): string {
  const instruction = model ? instructionOfStep(model, step) : undefined;
  return instruction?.command ?? step.text;
}
