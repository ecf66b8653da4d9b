import { workflowOf } from "../../harness/grading/kit/workflow-file.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { dockerfileOrFail } from "../../harness/grading/kit/dockerfile-or-fail.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { checkDockerfile } from "./dockerfile-checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

const DOCKERFILE_CHECKS = [
  CHECKS.parses,
  CHECKS.manifestsFirst,
  CHECKS.installCacheMount,
  CHECKS.runtimeStage,
];

/** The static checks: layer order, cache mount and runtime stage in the Dockerfile; the workflow's Buildx and gha cache. */
function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  const model = dockerfileOrFail(
    files,
    card,
    DOCKERFILE_CHECKS.map((c) => c.id),
  );
  if (model) checkDockerfile(model, card);
  checkWorkflow(workflowOf(files, WORKFLOW_FILE), card);
}

/** Exercise 01: cache mounts, layer order, a slim runtime stage and a gha cache in max mode. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const files = await readSubmissionFiles(ctx.submission.dir, ctx.exercise, ["package.json"]);
    await card.run(CHECKS.parses.id, () => {
      gradeStatic(files, card);
    });
    const model = dockerfileOrFail(files, card, BEHAVIOUR_IDS);
    if (model) await gradeBehaviour(ctx, card, devDependencies(files.text("package.json")), model);
  },
};

/** The project's dev dependencies: what must not reach the runtime image. */
function devDependencies(packageJson: string | undefined): string[] {
  try {
    const json = JSON.parse(packageJson ?? "{}") as { devDependencies?: Record<string, string> };
    return Object.keys(json.devDependencies ?? {});
  } catch {
    return [];
  }
}
