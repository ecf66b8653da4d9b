import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { graderFingerprint } from "../grading/grader-fingerprint.ts";
import { listExercises } from "../grading/exercise.ts";
import { loadGraders } from "../grading/grader-loader.ts";
import { createGitHubClient } from "./octokit-client.ts";
import { postGrades, type TrustedExercise } from "./post-grades.ts";
import { FakeGitHub } from "./testing/fake-github.ts";
import { genuineReports, reportsZip } from "./testing/graded-reports.ts";

// The trusted poster in process, attacked as a learner who can open pull requests would:
// every case fails if a score is posted that the course's grader did not produce.
const HEAD = "0123456789abcdef0123456789abcdef01234567";
const FORK = "learner/lesson";
const RUN = 9001;
const WORKSPACE_EDIT = "exercises/01-cache-mounts/workspace/Dockerfile";
let github: FakeGitHub;
let exercises: TrustedExercise[];
let log: string[];

// The default branch's exercises, graders and fingerprints: read once, they do not change.
beforeAll(async () => {
  const list = await listExercises();
  const graders = await loadGraders(list);
  exercises = [];
  for (const e of list)
    exercises.push({
      id: e.id,
      checks: graders.get(e.id)?.checks ?? [],
      fingerprint: await graderFingerprint(e.id),
    });
}, 120_000);
beforeEach(async () => {
  github = await new FakeGitHub().start();
  log = [];
});
afterEach(async () => {
  await github.stop();
  expect(github.violations).toEqual([]);
});

/** A pull request and its finished grading run, with genuine reports in its artifact. */
async function gradedPullRequest(
  pull: Partial<Parameters<FakeGitHub["addPullRequest"]>[0]> = {},
  reports?: Awaited<ReturnType<typeof genuineReports>>,
): Promise<void> {
  const headRepo = pull.headRepo ?? FORK;
  github.addPullRequest({ number: 12, headSha: HEAD, headRepo, files: [WORKSPACE_EDIT], ...pull });
  const workflowId = github.addWorkflow(".github/workflows/grade.yml", "grade");
  github.addWorkflowRun({
    id: RUN,
    workflowId,
    path: ".github/workflows/grade.yml",
    event: "pull_request",
    headSha: HEAD,
    headRepo,
  });
  github.addArtifact(RUN, "grade-reports", reportsZip(reports ?? (await genuineReports())));
}

function post(policy = { acceptWriters: false }, runId = RUN): Promise<number> {
  const client = createGitHubClient({
    token: "ghs_test",
    baseUrl: github.url,
    retryBaseMs: 10,
    writeSpacingMs: 0,
  });
  return postGrades({
    client,
    owner: "course",
    repo: "lesson",
    runId,
    exercises,
    policy,
    log: (line) => log.push(line),
  });
}

const scored = () =>
  github.checkRuns().filter((r) => r["conclusion"] === "success" || r["conclusion"] === "failure");
const summaries = () => github.checkRuns().map((r) => (r["output"] as { summary: string }).summary);

describe("the trusted poster", { timeout: 60_000 }, () => {
  it("scores a fork's pull request into the default branch by a learner who cannot push", async () => {
    await gradedPullRequest();
    expect(await post()).toBe(0);
    expect(scored()).toHaveLength(exercises.length);
  });

  it("gives no score to a pull request into another branch, and says why on its head", async () => {
    await gradedPullRequest({ baseRef: "old-course" });
    expect(await post()).toBe(1);
    expect(scored()).toEqual([]);
    expect(github.checkRuns()).toHaveLength(exercises.length);
    for (const s of summaries()) expect(s).toContain("is into old-course, not into main");
  });

  it("gives no score to a closed pull request", async () => {
    await gradedPullRequest({ state: "closed" });
    expect(await post()).toBe(1);
    expect(github.checkRuns()).toEqual([]);
    expect(log.join("\n")).toContain("pull request #12 is closed");
  });

  it("reads the graded commit's files, not the pull request's as it is now", async () => {
    // The graded head edits the workflow; a later push made the file list show the workspace only.
    await gradedPullRequest({ files: [WORKSPACE_EDIT, ".github/workflows/grade.yml"] });
    github.listPullFilesAs(12, [WORKSPACE_EDIT]);
    expect(await post()).toBe(1);
    expect(scored()).toEqual([]);
    for (const s of summaries()) expect(s).toContain("`.github/workflows/grade.yml`");
    expect(github.requests.some((r) => r.operationId === "pulls/list-files")).toBe(false);
  });

  it("gives no score to a branch of the repository itself, unless the course accepts writers", async () => {
    await gradedPullRequest({ headRepo: "course/lesson" });
    expect(await post()).toBe(1);
    expect(scored()).toEqual([]);
    for (const s of summaries()) expect(s).toContain("comes from a branch of this repository");
    expect(await post({ acceptWriters: true })).toBe(0);
    expect(scored()).toHaveLength(exercises.length);
  });

  it("gives no score to a fork whose author can push to the repository", async () => {
    await gradedPullRequest({ author: "assistant" });
    github.setPermission("assistant", "write");
    expect(await post()).toBe(1);
    expect(scored()).toEqual([]);
    for (const s of summaries()) expect(s).toContain("assistant can push to course/lesson");
  });

  it.each([
    ["another grader's fingerprint (a re-run of an old grading run)", `sha256:${"0".repeat(64)}`],
    ["no fingerprint (a grader from before fingerprints)", undefined],
  ])("gives no score to a report with %s", async (_case, grader) => {
    const reports = (await genuineReports()).map(({ grader: _own, ...r }) =>
      grader === undefined ? r : { ...r, grader },
    );
    await gradedPullRequest({}, reports);
    expect(await post()).toBe(1);
    expect(scored()).toEqual([]);
    expect(github.checkRuns().map((r) => (r["output"] as { title: string }).title)).toContain(
      "Not graded: graded by another version of the grader",
    );
  });
});

describe("a class of 30 pull requests", { timeout: 120_000 }, () => {
  it("is posted in a bounded number of API calls per pull request, well inside GitHub's limits", async () => {
    const reports = reportsZip(await genuineReports());
    const workflowId = github.addWorkflow(".github/workflows/grade.yml", "grade");
    for (let n = 1; n <= 30; n++) {
      const headSha = n.toString(16).padStart(40, "a");
      const headRepo = `learner${String(n)}/lesson`;
      github.addPullRequest({
        number: n,
        headSha,
        headRepo,
        author: `learner${String(n)}`,
        files: [WORKSPACE_EDIT],
      });
      github.addWorkflowRun({
        id: RUN + n,
        workflowId,
        path: ".github/workflows/grade.yml",
        event: "pull_request",
        headSha,
        headRepo,
      });
      github.addArtifact(RUN + n, "grade-reports", reports);
    }
    for (let n = 1; n <= 30; n++) expect(await post(undefined, RUN + n)).toBe(0);
    expect(scored()).toHaveLength(30 * exercises.length);
    const perPull = github.requests.length / 30;
    // Eleven reads (the run, its workflow, the open pull requests, the repository, the pull request
    // twice, the author's permission, the comparison, the artifact's listing and download, the
    // head's checks), then one write per exercise. A GITHUB_TOKEN gets 1,000 requests an hour
    // per repository: 30 learners at once use about half.
    expect(perPull).toBeLessThanOrEqual(11 + exercises.length);
    const writes = github.requests.filter((r) => r.method !== "GET").length;
    expect(writes).toBe(30 * exercises.length);
    console.log(
      `post-checks, class of 30: ${String(github.requests.length)} API calls (${String(perPull)} per pull request, ${String(writes)} writes)`,
    );
  });
});
