import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GradeReport } from "../grading/grade-report.ts";
import type { CheckResult } from "../grading/check.ts";
import { SAMPLE_ERROR, SAMPLE_FAILED } from "../report/sample-reports.ts";
import { CheckPoster } from "./check-poster.ts";
import { FakeGitHub } from "./testing/fake-github.ts";
import { createGitHubClient } from "./octokit-client.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";
let github: FakeGitHub;
let log: string[];

beforeEach(async () => {
  github = await new FakeGitHub().start();
  log = [];
});
afterEach(async () => {
  await github.stop();
  // Every request and response met GitHub's published OpenAPI description.
  expect(github.violations).toEqual([]);
});

/** A poster on the fake; its writes follow each other at once unless GitHub's spacing is asked for. */
function poster(options: { githubSpacing?: boolean } = {}): CheckPoster {
  const client = createGitHubClient({
    token: "ghs_test",
    baseUrl: github.url,
    retryBaseMs: 10,
    ...(options.githubSpacing ? {} : { writeSpacingMs: 0 }),
    log: (m) => log.push(m),
  });
  return new CheckPoster(client, {
    owner: "course",
    repo: "lesson",
    headSha: SHA,
    detailsUrl: "https://github.com/course/lesson/actions/runs/1",
  });
}

/** A failed report with `n` located findings, as a large submission could produce. */
function manyFindings(n: number): GradeReport {
  const checks: CheckResult[] = Array.from({ length: n }, (_, i) => ({
    id: `leak.layers-${i}`,
    title: "t",
    kind: "behaviour",
    status: "failed",
    points: 0,
    maxPoints: 1,
    message: `finding ${i}`,
    location: { file: "Dockerfile", line: i + 1 },
  }));
  return { ...SAMPLE_FAILED, checks, maxScore: n, score: 0 };
}

describe("check runs through the Checks API", () => {
  it("creates one check with title, summary, text and annotations on the learner's files", async () => {
    const result = await poster().post(SAMPLE_FAILED);
    expect(result).toMatchObject({ ok: true, action: "created" });
    const [run] = github.checkRuns();
    expect(run).toMatchObject({
      name: "grade: 01-cache-mounts",
      head_sha: SHA,
      conclusion: "failure",
      status: "completed",
    });
    expect((run?.["output"] as Record<string, string>)["title"]).toBe("20/25 points, 2 check(s) to fix");
    const annotations = github.annotationsOf(result.checkRunId ?? 0);
    expect(annotations).toEqual([
      expect.objectContaining({
        path: "exercises/01-cache-mounts/workspace/Dockerfile",
        start_line: 3,
        end_line: 3,
        annotation_level: "failure",
      }),
    ]);
  });

  it("sends more than 50 annotations in batches of 50, a second apart as GitHub asks", async () => {
    const started = performance.now();
    const result = await poster({ githubSpacing: true }).post(manyFindings(120));
    // Three writes: two gaps of at least a second by default.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
    expect(result.ok).toBe(true);
    const writes = github.requests.filter((r) => r.method !== "GET");
    expect(
      writes.map(
        (r) => ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length,
      ),
    ).toEqual([50, 50, 20]);
    expect(github.annotationsOf(result.checkRunId ?? 0)).toHaveLength(120);
  });

  it("a re-run updates the same check and does not repeat its annotations", async () => {
    const first = await poster().post(manyFindings(60));
    const again = await poster().post(manyFindings(60));
    expect(again).toMatchObject({ ok: true, action: "updated", checkRunId: first.checkRunId });
    expect(github.checkRuns()).toHaveLength(1);
    expect(github.annotationsOf(first.checkRunId ?? 0)).toHaveLength(60);
  });

  it("a grading error is its own conclusion, not a silent failure", async () => {
    await poster().post(SAMPLE_ERROR);
    expect(github.checkRuns()[0]).toMatchObject({ conclusion: "action_required" });
    expect((github.checkRuns()[0]?.["output"] as Record<string, string>)["title"]).toBe(
      "Grading could not be done: ENGINE_UNAVAILABLE",
    );
  });

  it("retries a server error", async () => {
    github.failNext({ status: 500 }, 2);
    const result = await poster().post(SAMPLE_FAILED);
    expect(result.ok).toBe(true);
    expect(github.requests.filter((r) => r.status === 500)).toHaveLength(2);
  });

  it("waits out a rate limit and goes on", async () => {
    github.failNext({ status: 403, rateLimit: true });
    const result = await poster().post(SAMPLE_FAILED);
    expect(result.ok).toBe(true);
    expect(log.some((l) => l.includes("rate limit"))).toBe(true);
  });

  it("reports a refused annotation as a failure of posting, with GitHub's message", async () => {
    github.failNext({ status: 422, operation: "checks/create" });
    const result = await poster().post(SAMPLE_FAILED);
    expect(result.ok).toBe(false);
    expect(result.error).toContain("Validation Failed");
    expect(github.checkRuns()).toEqual([]);
  });

  it("GitHub itself refuses more than 50 annotations in one request", async () => {
    const client = createGitHubClient({
      token: "t",
      baseUrl: github.url,
      retryBaseMs: 10,
      log: () => undefined,
    });
    const annotations = Array.from({ length: 51 }, (_, i) => ({
      path: "Dockerfile",
      start_line: i + 1,
      end_line: i + 1,
      annotation_level: "failure" as const,
      message: "m",
    }));
    await expect(
      client.rest.checks.create({
        owner: "o",
        repo: "r",
        name: "n",
        head_sha: SHA,
        conclusion: "failure",
        output: { title: "t", summary: "s", annotations },
      }),
    ).rejects.toMatchObject({ status: 422 });
    // GitHub's own description says so too (maxItems 50): the fake flags the request.
    expect(github.violations.splice(0)).toEqual([
      expect.stringContaining("/output/annotations must NOT have more than 50 items"),
    ]);
  });
});
