import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import type { Grader, GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { checkDockerfile } from "./dockerfile-checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

/** Exercise 01: cache mounts, layer order, a slim runtime stage and a gha cache in max mode. */
export const cacheMountsGrader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const dir = ctx.submission.dir;
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8").catch(() => undefined);
    const model = dockerfile === undefined ? undefined : parseDockerfile(dockerfile);
    if (model === undefined) {
      card.failRemaining(
        [
          CHECKS.parses.id,
          CHECKS.manifestsFirst.id,
          CHECKS.installCacheMount.id,
          CHECKS.runtimeStage.id,
          ...BEHAVIOUR_IDS,
        ],
        { message: "There is no Dockerfile in the submission.", location: { file: "Dockerfile" } },
      );
    } else {
      await card.run(CHECKS.parses.id, () => checkDockerfile(model, card));
    }
    const workflow = await readFile(join(dir, WORKFLOW_FILE), "utf8").catch(() => undefined);
    await card.run(CHECKS.workflowBuildx.id, () =>
      checkWorkflow(workflow === undefined ? undefined : parseWorkflow(workflow), card),
    );

    if (model === undefined) return;
    const devDependencies = await readDevDependencies(dir);
    try {
      await gradeBehaviour(ctx, card, devDependencies, model);
    } catch (error) {
      card.errorRemaining(BEHAVIOUR_IDS, error);
    }
  },
};

async function readDevDependencies(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, "package.json"), "utf8").catch(() => "{}");
  try {
    const json = JSON.parse(text) as { devDependencies?: Record<string, string> };
    return Object.keys(json.devDependencies ?? {});
  } catch {
    return [];
  }
}
