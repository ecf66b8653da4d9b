import { parseArgs } from "node:util";
import { errorMessage } from "../errors.ts";
import { listExercises } from "../grading/exercise.ts";
import { graderFingerprint } from "../grading/grader-fingerprint.ts";
import { loadGrader } from "../grading/grader-loader.ts";
import { createGitHubClient } from "../github/octokit-client.ts";
import { postGrades, type TrustedExercise } from "../github/post-grades.ts";

const USAGE = `usage: post-checks --repo OWNER/NAME --run-id ID [--accept-writers]
Posts one GitHub check run per exercise for a finished "grade" run of a pull request, after
checking with GitHub's API that the run and the pull request can be trusted (token: GITHUB_TOKEN
with checks: write, actions: read, pull-requests: read; API: GITHUB_API_URL). Writes are a second
apart, as GitHub asks; GRADER_GITHUB_WRITE_SPACING_MS changes that (0 for a local stand-in).
Only pull requests from forks whose authors cannot push to the repository are scored;
--accept-writers scores the others too (see SECURITY.md for what that risks).
Exit status: 0 every exercise scored, 1 some exercise not graded or not posted (see the log), 2 bad usage.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      repo: { type: "string" },
      "run-id": { type: "string" },
      "accept-writers": { type: "boolean" },
    },
  });
  const token = process.env["GITHUB_TOKEN"];
  const [owner, repo, extra] = (values.repo ?? "").split("/");
  const runId = Number(values["run-id"]);
  if (!owner || !repo || extra !== undefined || !Number.isSafeInteger(runId) || runId <= 0 || !token) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Unset or empty: GitHub's second, as the other GRADER_ variables read an empty value.
  const spacing = process.env["GRADER_GITHUB_WRITE_SPACING_MS"] || undefined;
  if (spacing !== undefined && !/^\d{1,5}$/.test(spacing)) {
    process.stderr.write(
      `post-checks: GRADER_GITHUB_WRITE_SPACING_MS must be a whole number of milliseconds (0 to 99999), not ${JSON.stringify(spacing)}\n`,
    );
    return 2;
  }
  // The default branch's own exercises and graders: what a trusted report must match.
  const exercises: TrustedExercise[] = [];
  for (const e of await listExercises())
    exercises.push({
      id: e.id,
      checks: (await loadGrader(e)).checks,
      fingerprint: await graderFingerprint(e.id),
    });
  const client = createGitHubClient({
    token,
    ...(process.env["GITHUB_API_URL"] ? { baseUrl: process.env["GITHUB_API_URL"] } : {}),
    ...(spacing === undefined ? {} : { writeSpacingMs: Number(spacing) }),
    log: (m) => process.stdout.write(`${m}\n`),
  });
  return postGrades({
    client,
    owner,
    repo,
    runId,
    exercises,
    policy: { acceptWriters: values["accept-writers"] === true },
    log: (line) => process.stdout.write(`${line}\n`),
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`post-checks: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
