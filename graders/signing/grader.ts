import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { SCRIPT_FILE } from "./release-script.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

/** The static checks: the release workflow's permissions, signing, verification and deploy order. */
function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  const workflow = files.text(WORKFLOW_FILE);
  checkWorkflow(workflow === undefined ? undefined : parseWorkflow(workflow), card);
}

/** Exercise 06: sign the pushed index by digest, attest its SBOM, and verify before deploy. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const files = await readSubmissionFiles(ctx.submission.dir, ctx.exercise);
    await card.run(CHECKS.idToken.id, () => {
      gradeStatic(files, card);
    });
    const script = files.text(SCRIPT_FILE);
    if (script === undefined) {
      card.failRemaining(BEHAVIOUR_IDS, {
        message: `${SCRIPT_FILE} is missing (or over 1 MiB): the offline release needs it.`,
        location: { file: SCRIPT_FILE },
      });
      return;
    }
    await gradeBehaviour(ctx, card, script);
  },
};
