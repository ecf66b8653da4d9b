import { workflowOf } from "../../harness/grading/kit/workflow-file.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";
import { dockerfileOrFail } from "../../harness/grading/kit/dockerfile-or-fail.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

/** The static checks: the Dockerfile parses; the workflow sets up, builds and pushes both platforms. */
function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  const model = dockerfileOrFail(files, card, [CHECKS.parses.id]);
  if (model) judgeDockerfileParses(card, CHECKS.parses.id, model);
  checkWorkflow(workflowOf(files, WORKFLOW_FILE), files.exercise.platforms, card);
}

/** Exercise 02: one tag for amd64 and arm64, cross-compiled, checked down to the ELF headers. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const files = await readSubmissionFiles(ctx.submission.dir, ctx.exercise);
    await card.run(CHECKS.workflowQemu.id, () => {
      gradeStatic(files, card);
    });
    const model = dockerfileOrFail(files, card, BEHAVIOUR_IDS);
    if (model) await gradeBehaviour(ctx, card, model);
  },
};
