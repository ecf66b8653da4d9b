import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileNoFollow } from "../../harness/grading/copy-tree.ts";
import type { Grader, GradingContext, SubmissionFiles } from "../../harness/grading/grader.ts";
import { dockerfileOrFail } from "../../harness/grading/kit/dockerfile-or-fail.ts";
import { requireEngine } from "../../harness/grading/kit/require-engine.ts";
import { readSubmissionFiles } from "../../harness/grading/kit/submission-files.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import { startSshGitServer, type GitRepository } from "../../harness/run/ssh-git-server.ts";
import { gradeBehaviour } from "./behaviour.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { KEY_FILE, KNOWN_HOSTS_FILE, MODULE_DIR, MODULE_REPOSITORY, MODULE_VERSION } from "./project.ts";
import { checkDockerfile } from "./static-checks.ts";

/** The project's own test files, as the exercise hands them out (what no layer may hold). */
const TEST_FILES = ["main_test.go", "settings_test.go"];

const STATIC_IDS = [
  CHECKS.parses.id,
  CHECKS.sshMount.id,
  CHECKS.hostKey.id,
  CHECKS.heredocs.id,
  CHECKS.bindTests.id,
  CHECKS.goCaches.id,
];

function gradeStatic(files: SubmissionFiles, card: Scorecard): void {
  const model = dockerfileOrFail(files, card, STATIC_IDS);
  if (model) checkDockerfile(model, card, TEST_FILES);
}

/** The private module's files, from the exercise: the run's Git server serves them, tagged. */
async function privateModule(exerciseDir: string): Promise<GitRepository> {
  const dir = join(exerciseDir, MODULE_DIR);
  const names = (await readdir(dir)).sort();
  const files = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), "utf8")] as const)),
  );
  return { name: MODULE_REPOSITORY, files, tags: [MODULE_VERSION] };
}

/** Exercise 05: a private Go module fetched over SSH, files written with heredocs, tests run from a bind mount. */
export const grader: Grader = {
  checks: CHECK_LIST,
  needsEngine: true,
  gradeStatic,
  async grade(ctx: GradingContext, card: Scorecard): Promise<void> {
    const engine = requireEngine(ctx);
    const dir = ctx.submission.dir;
    const files = await readSubmissionFiles(dir, ctx.exercise, TEST_FILES);
    const model = dockerfileOrFail(
      files,
      card,
      CHECK_LIST.map((c) => c.id),
    );
    if (!model) return;
    await card.run(CHECKS.parses.id, () => {
      checkDockerfile(model, card, TEST_FILES);
    });
    const testFiles = Object.fromEntries(
      TEST_FILES.flatMap((name) => {
        const text = files.text(name);
        return text === undefined ? [] : [[name, text] as const];
      }),
    );
    ctx.progress("starting the run's Git server over SSH...");
    const server = await startSshGitServer([await privateModule(ctx.exercise.dir)], engine.environment);
    try {
      // What CI writes before building: the deploy key (which must not reach any image) and
      // the server's host key.
      await writeFileNoFollow(join(dir, KEY_FILE), server.clientPrivateKey, 0o600);
      await writeFileNoFollow(join(dir, KNOWN_HOSTS_FILE), `${server.knownHostsLine}\n`, 0o644);
      await gradeBehaviour(ctx, card, engine, { server, model, testFiles });
    } finally {
      await server.dispose();
    }
  },
};
