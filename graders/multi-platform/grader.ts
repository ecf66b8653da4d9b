import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import type { Grader, GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

/** Exercise 02: one tag for amd64 and arm64, cross-compiled, checked down to the ELF headers. */
export const multiPlatformGrader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const dir = ctx.submission.dir;
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8").catch(() => undefined);
    const model = dockerfile === undefined ? undefined : parseDockerfile(dockerfile);
    if (model === undefined) {
      card.failRemaining([CHECKS.parses.id, ...BEHAVIOUR_IDS], {
        message: "There is no Dockerfile in the submission.",
        location: { file: "Dockerfile" },
      });
    } else {
      judgeDockerfileParses(card, CHECKS.parses.id, model);
    }
    const workflow = await readFile(join(dir, WORKFLOW_FILE), "utf8").catch(() => undefined);
    await card.run(CHECKS.workflowQemu.id, () =>
      checkWorkflow(
        workflow === undefined ? undefined : parseWorkflow(workflow),
        ctx.exercise.platforms,
        card,
      ),
    );
    if (model === undefined) return;
    try {
      await gradeBehaviour(ctx, card, model);
    } catch (error) {
      card.errorRemaining(BEHAVIOUR_IDS, error);
    }
  },
};
