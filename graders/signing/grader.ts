import { unreadableOr } from "../../harness/grading/kit/text-file.ts";
import { workflowOf } from "../../harness/grading/kit/workflow-file.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { SCRIPT_FILE } from "./release-script.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

/** The static checks: the release workflow's permissions, signing, verification and deploy order. */
function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  checkWorkflow(workflowOf(files, WORKFLOW_FILE), card);
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
        message: unreadableOr(files, SCRIPT_FILE, `${SCRIPT_FILE} is missing: the offline release needs it.`),
        location: { file: SCRIPT_FILE },
      });
      return;
    }
    await gradeBehaviour(ctx, card, script);
  },
};
