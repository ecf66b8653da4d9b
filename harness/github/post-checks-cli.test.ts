import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { listExercises, REPO_ROOT } from "../grading/exercise.ts";
import { FakeGitHub } from "./testing/fake-github.ts";
import { genuineReports, reportsZip } from "./testing/graded-reports.ts";

// The command post-checks.yml runs, end to end against the OpenAPI-checked fake, attacked the
// ways a learner could: forged reports, a renamed workflow, edits outside the workspaces.
const HEAD = "0123456789abcdef0123456789abcdef01234567";
const FORK = "learner/lesson";
const RUN = 7001;
let github: FakeGitHub;
let gradeWorkflow: number;
beforeEach(async () => {
  github = await new FakeGitHub().start();
  gradeWorkflow = github.addWorkflow(".github/workflows/grade.yml", "grade");
});
afterEach(async () => {
  await github.stop();
  expect(github.violations).toEqual([]);
});

const GRADING_RUN = {
  path: ".github/workflows/grade.yml",
  event: "pull_request",
  headSha: HEAD,
  headRepo: FORK,
};

/** A fork's pull request (GitHub gives no pull_requests on its runs) and its grading run. */
function forkPullRequest(
  files: Parameters<FakeGitHub["addPullRequest"]>[0]["files"],
  run: Partial<Parameters<FakeGitHub["addWorkflowRun"]>[0]> = {},
): void {
  github.addPullRequest({ number: 12, headSha: HEAD, headRepo: FORK, files });
  github.addWorkflowRun({ ...GRADING_RUN, id: RUN, workflowId: gradeWorkflow, ...run });
}

const post = (runId = RUN, spacing = "0") =>
  exec(
    process.execPath,
    [join(REPO_ROOT, "bin/post-checks.js"), "--repo", "course/lesson", "--run-id", String(runId)],
    {
      reject: false,
      timeoutMs: 180_000,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "/root",
        GITHUB_TOKEN: "ghs_x",
        GITHUB_API_URL: github.url,
        // The fake needs no second between writes (the default's spacing is check-poster.test.ts's).
        GRADER_GITHUB_WRITE_SPACING_MS: spacing,
      },
    },
  );

const runsByName = () =>
  Object.fromEntries(
    github
      .checkRuns()
      .map((r) => [
        String(r["name"]),
        { conclusion: r["conclusion"], title: (r["output"] as { title: string }).title },
      ]),
  );

describe("post-checks: trusted scores only", { timeout: 200_000 }, () => {
  it("posts the genuine grades of a fork's pull request, found by its head", async () => {
    forkPullRequest(["exercises/01-cache-mounts/workspace/Dockerfile"]);
    const reports = await genuineReports(new Set(["dockerfile.manifests-first"]));
    github.addArtifact(RUN, "grade-reports", reportsZip(reports));
    const result = await post();
    expect(result.stdout + result.stderr).not.toMatch(/::error/);
    expect(result.exitCode).toBe(0);
    const runs = runsByName();
    expect(runs["grade: 01-cache-mounts"]).toEqual({
      conclusion: "failure",
      title: "23/25 points, 1 check(s) to fix",
    });
    expect(runs["grade: 02-multi-platform"]?.conclusion).toBe("success");
    expect(github.checkRuns().every((r) => r["head_sha"] === HEAD)).toBe(true);
  });

  it("posts no score when a hand-written full-marks report does not add up", async () => {
    forkPullRequest(["exercises/01-cache-mounts/workspace/Dockerfile"]);
    const [first, ...rest] = await genuineReports(new Set(["dockerfile.manifests-first"]));
    if (!first) throw new Error("no exercise");
    const forged = { ...first, status: "passed" as const, score: first.maxScore };
    const invented = {
      ...forged,
      checks: [{ ...forged.checks[0], id: "bonus.points", maxPoints: 99, points: 99 }],
    };
    github.addArtifact(RUN, "grade-reports", reportsZip([forged, ...rest]));
    let result = await post();
    expect(result.exitCode).toBe(1);
    expect(runsByName()["grade: 01-cache-mounts"]).toEqual({
      conclusion: "action_required",
      title: "Not graded: the report does not match this exercise's grader",
    });
    expect(JSON.stringify(github.checkRuns())).toMatch(/the score 25 is not the sum of its checks \(23\)/);

    github.addArtifact(RUN + 1, "grade-reports", reportsZip([invented as typeof first, ...rest]));
    github.addWorkflowRun({ ...GRADING_RUN, id: RUN + 1, workflowId: gradeWorkflow });
    result = await post(RUN + 1);
    expect(result.exitCode).toBe(1);
    expect(JSON.stringify(github.checkRuns())).toMatch(
      /check bonus\.points is not one of this exercise's checks/,
    );
  });

  it("posts no score when the pull request edits the grading workflow, and says what to revert", async () => {
    forkPullRequest([
      "exercises/01-cache-mounts/workspace/Dockerfile",
      ".github/workflows/grade.yml",
      { filename: "exercises/01-cache-mounts/workspace/ok.txt", previous: "graders/cache-mounts/checks.ts" },
    ]);
    github.addArtifact(RUN, "grade-reports", reportsZip(await genuineReports()));
    const result = await post();
    expect(result.exitCode).toBe(1);
    const runs = github.checkRuns();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const r of runs) {
      expect(r["conclusion"]).toBe("action_required");
      const summary = (r["output"] as { summary: string }).summary;
      expect(summary).toContain("`.github/workflows/grade.yml`");
      expect(summary).toContain("`graders/cache-mounts/checks.ts`");
    }
  });

  it("refuses a write spacing that is not a number of milliseconds, before any request", async () => {
    const result = await post(RUN, "1s");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'GRADER_GITHUB_WRITE_SPACING_MS must be a whole number of milliseconds (0 to 99999), not "1s"',
    );
    expect(github.requests).toEqual([]);
  });

  it("refuses a run of another workflow that is also named grade", async () => {
    const impostor = github.addWorkflow(".github/workflows/grade-fast.yml", "grade");
    forkPullRequest(["exercises/01-cache-mounts/workspace/Dockerfile"], {
      workflowId: impostor,
      path: ".github/workflows/grade-fast.yml",
    });
    github.addArtifact(RUN, "grade-reports", reportsZip(await genuineReports()));
    const result = await post();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error title=Grade not trusted::run 7001 came from .github/workflows/grade-fast.yml",
    );
    expect(github.checkRuns()).toEqual([]);
  });

  it("refuses a run whose head is no open pull request's (e.g. a push from another fork)", async () => {
    github.addPullRequest({ number: 12, headSha: HEAD, headRepo: "someone/else", files: [] });
    github.addWorkflowRun({ ...GRADING_RUN, id: RUN, workflowId: gradeWorkflow });
    const result = await post();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("no open pull request from learner/lesson");
    expect(github.checkRuns()).toEqual([]);
  });

  it("gives every exercise a check even when its report is missing, refused or a zip bomb", async () => {
    forkPullRequest(["exercises/01-cache-mounts/workspace/Dockerfile"]);
    const [first, second] = await genuineReports();
    if (!first || !second) throw new Error("no exercise");
    github.addArtifact(
      RUN,
      "grade-reports",
      reportsZip([first], { [`${second.exercise}.json`]: new TextEncoder().encode('{"status":"passed"}') }),
    );
    let result = await post();
    expect(result.exitCode).toBe(1);
    const runs = runsByName();
    expect(runs[`grade: ${first.exercise}`]?.conclusion).toBe("success");
    expect(runs[`grade: ${second.exercise}`]?.title).toBe("Not graded: no valid report for this exercise");
    // One check per exercise of the course, graded or not.
    expect(Object.keys(runs)).toHaveLength((await listExercises()).length);

    github.addArtifact(RUN + 1, "grade-reports", reportsZip([], { "bomb.json": new Uint8Array(30_000_000) }));
    github.addWorkflowRun({ ...GRADING_RUN, id: RUN + 1, workflowId: gradeWorkflow });
    result = await post(RUN + 1);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/unpacks to more than 1000000 bytes/);
  });
});
