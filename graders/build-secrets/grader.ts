import { join } from "node:path";
import { BakeCommand } from "../../harness/buildx/bake-command.ts";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import { vetBakeTarget } from "../../harness/buildx/bake-request.ts";
import { errorMessage } from "../../harness/errors.ts";
import { writeFileNoFollow } from "../../harness/grading/copy-tree.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { dockerfileOrFail } from "../../harness/grading/kit/dockerfile-or-fail.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { startPrivateNpmRegistry } from "../../harness/run/private-npm-registry.ts";
import { gradeBehaviour, npmrcFor } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { BAKE_FILE, bakeArgLine, checkStatic } from "./static-checks.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";

/** The static checks: no credential in ARG, ENV or the bake file's args; the install mounts a secret. */
function gradeStatic(files: SubmissionFiles, card: Scorecard, secretValues: readonly string[] = []): void {
  const model = dockerfileOrFail(files, card, [
    CHECKS.parses.id,
    CHECKS.noSecretArgs.id,
    CHECKS.secretMount.id,
  ]);
  if (model) checkStatic(model, files.bake, secretValues, card, files.text(BAKE_FILE));
}

/** Exercise 03: a private registry token that must never reach the image, its metadata or its cache. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const engine = requireEngine(ctx);
    const dir = ctx.submission.dir;
    const files = await readSubmissionFiles(dir, ctx.exercise, [BAKE_FILE]);
    const model = dockerfileOrFail(
      files,
      card,
      CHECK_LIST.map((c) => c.id),
    );
    if (!model) return;
    // A fresh registry per run: its token is the canary, valid for this run only.
    const registry = await startPrivateNpmRegistry(
      [join(ctx.exercise.dir, "course-greeting-1.0.0.tgz")],
      engine.environment,
    );
    try {
      await writeFileNoFollow(join(dir, ".npmrc"), npmrcFor(registry), 0o600);
      // The only variables a secret may come from: the grader's, never the host's.
      const secretEnv = { NPM_TOKEN: registry.token, NPM_REGISTRY: registry.url };
      let target: BakeTarget | undefined;
      try {
        const targets = await new BakeCommand(engine.buildx).targets({
          cwd: dir,
          file: BAKE_FILE,
          env: secretEnv,
        });
        target = targets[0];
        if (!target) throw new Error(`${BAKE_FILE} defines no target in its default group`);
      } catch (error) {
        await card.run(CHECKS.parses.id, () => {
          gradeStatic(files, card, [registry.token]);
        });
        // HCL errors name the place as `docker-bake.hcl:3,5-9`.
        const line = Number(
          new RegExp(`${BAKE_FILE.replace(".", "\\.")}:(\\d+)`).exec(errorMessage(error))?.[1],
        );
        card.failRemaining(BEHAVIOUR_IDS, {
          message: `Could not read ${BAKE_FILE}: ${errorMessage(error)}`,
          location: { file: BAKE_FILE, ...(line > 0 ? { line } : {}) },
        });
        return;
      }
      await card.run(CHECKS.parses.id, () => {
        gradeStatic({ ...files, bake: target }, card, [registry.token]);
      });
      const vetted = await vetBakeTarget(target, { root: dir, secretEnv: Object.keys(secretEnv) });
      ctx.notes.push(...vetted.notes.map((n) => `${BAKE_FILE}: ${n}.`));
      if (!vetted.ok) {
        const location = refusalLocation(files.text(BAKE_FILE), vetted.refusals);
        card.fail(CHECKS.build.id, {
          message: `The grader will not build what ${BAKE_FILE} asks for: ${vetted.refusals.join("; ")}.`,
          location,
        });
        card.failRemaining(BEHAVIOUR_IDS, {
          message: `Not measured: the bake file asks for something the grader refuses (see ${CHECKS.build.id}).`,
          location,
        });
        return;
      }
      await gradeBehaviour(ctx, card, { registry, target: vetted.target, model });
    } finally {
      await registry.dispose();
    }
  },
};

/** A refusal names the attribute it is about (`context: ...`, `args.NAME: ...`): point at its line. */
function refusalLocation(text: string | undefined, refusals: readonly string[]): CheckLocation {
  const attribute = /^(?:args\.)?([\w-]+)/.exec(refusals[0] ?? "")?.[1];
  const line = attribute ? bakeArgLine(text, attribute) : undefined;
  return { file: BAKE_FILE, ...(line ? { line } : {}) };
}
