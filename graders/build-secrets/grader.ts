import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BakeCommand } from "../../harness/buildx/bake-command.ts";
import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import { vetBakeTarget } from "../../harness/buildx/bake-request.ts";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { writeFileNoFollow } from "../../harness/grading/copy-tree.ts";
import type { Grader, GradingContext } from "../../harness/grading/grader.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { startPrivateNpmRegistry } from "../../harness/run/private-npm-registry.ts";
import { gradeBehaviour, npmrcFor } from "./behaviour.ts";
import { BEHAVIOUR_IDS, CHECK_LIST, CHECKS } from "./checks.ts";
import { checkStatic } from "./static-checks.ts";

const BAKE_FILE = "docker-bake.hcl";

/** Exercise 03: a private registry token that must never reach the image, its metadata or its cache. */
export const buildSecretsGrader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const engine = ctx.engine;
    if (!engine) throw new Error("this grader needs a build engine");
    const dir = ctx.submission.dir;
    const dockerfile = await readFile(join(dir, "Dockerfile"), "utf8").catch(() => undefined);
    if (dockerfile === undefined) {
      card.failRemaining(
        CHECK_LIST.map((c) => c.id),
        { message: "There is no Dockerfile in the submission.", location: { file: "Dockerfile" } },
      );
      return;
    }
    const model = parseDockerfile(dockerfile);
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
        await card.run(CHECKS.parses.id, () => checkStatic(model, undefined, [registry.token], card));
        card.failRemaining(BEHAVIOUR_IDS, {
          message: `Could not read ${BAKE_FILE}: ${error instanceof Error ? error.message : String(error)}`,
          location: { file: BAKE_FILE },
        });
        return;
      }
      await card.run(CHECKS.parses.id, () => checkStatic(model, target, [registry.token], card));
      const vetted = await vetBakeTarget(target, { root: dir, secretEnv: Object.keys(secretEnv) });
      ctx.notes.push(...vetted.notes.map((n) => `${BAKE_FILE}: ${n}.`));
      if (!vetted.ok) {
        card.fail(CHECKS.build.id, {
          message: `The grader will not build what ${BAKE_FILE} asks for: ${vetted.refusals.join("; ")}.`,
          location: { file: BAKE_FILE },
        });
        card.failRemaining(BEHAVIOUR_IDS, {
          message: "Not measured: the bake file asks for something the grader refuses (see build.succeeds).",
        });
        return;
      }
      target = vetted.target;
      try {
        await gradeBehaviour(ctx, card, { registry, target, model });
      } catch (error) {
        card.errorRemaining(BEHAVIOUR_IDS, error);
      }
    } finally {
      await registry.dispose();
    }
  },
};
