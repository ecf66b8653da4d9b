import { readBakeFile } from "../../harness/buildx/bake-file.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import { at } from "../../harness/grading/kit/locations.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { planBuilds } from "./build-plan.ts";
import { BAKE_FILE, BEHAVIOUR_IDS, CHECK_LIST } from "./checks.ts";
import { blockLine, checkBake, checkWorkflow } from "./static-checks.ts";

/** The static checks: the bake file as buildx resolves it, and the CI workflow. */
function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  const bake = checkBake(files, card);
  checkWorkflow(files, card, bake);
}

/** Exercise 04: caches that make a brand-new CI runner fast, for two images built by one bake. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  // The fresh CI runner that imports the caches, and the one that builds the api change.
  freshBuilders: 2,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const engine = requireEngine(ctx);
    const dir = ctx.submission.dir;
    const files = await readSubmissionFiles(dir, ctx.exercise);
    gradeStatic(files, card);
    const text = files.text(BAKE_FILE) ?? "";
    // The same file, with REGISTRY pointing at this run's own registry.
    const registry = `${engine.registry.host}/shop`;
    const read = await readBakeFile(dir, BAKE_FILE, { ...ctx.exercise.bake?.variables, REGISTRY: registry });
    if (!read.ok) {
      card.failRemaining(BEHAVIOUR_IDS, {
        message: `Not measured: docker buildx bake could not read ${BAKE_FILE} (see bake.parses).`,
        location: at(BAKE_FILE, read.line, 1),
      });
      return;
    }
    const plan = await planBuilds(read.targets, dir, registry, text);
    if (!plan.ok) {
      card.failRemaining(BEHAVIOUR_IDS, {
        message: `The grader will not build what ${BAKE_FILE} asks for: ${plan.refusals.join("; ")}.`,
        location: at(BAKE_FILE, plan.line, 1),
      });
      return;
    }
    ctx.notes.push(...plan.notes.map((n) => `${BAKE_FILE}: ${n}`));
    if (!plan.targets.some((p) => p.service === "api") || !plan.targets.some((p) => p.service === "worker")) {
      card.failRemaining(BEHAVIOUR_IDS, {
        message:
          "Not measured: the default group must build both ./api and ./worker (see bake.both-targets).",
        location: at(BAKE_FILE, blockLine(text, "group", "default"), 1),
      });
      return;
    }
    await gradeBehaviour(ctx, card, engine, plan.targets);
  },
};
