import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { REPO_ROOT } from "../grading/exercise.ts";
import { SAMPLE_FAILED } from "../report/sample-reports.ts";
import { FakeGitHub } from "./fake-github.ts";

// The command the post-checks workflow runs, end to end against the OpenAPI-checked fake.
let github: FakeGitHub;
let dir: string;
beforeEach(async () => {
  github = await new FakeGitHub().start();
  dir = await mkdtemp(join(tmpdir(), "post-"));
});
afterEach(async () => {
  await github.stop();
  await rm(dir, { recursive: true, force: true });
  expect(github.violations).toEqual([]);
});

const post = () =>
  exec(
    process.execPath,
    [
      join(REPO_ROOT, "bin/post-checks.js"),
      "--reports",
      dir,
      "--repo",
      "course/lesson",
      "--sha",
      "0123456789abcdef0123456789abcdef01234567",
    ],
    {
      reject: false,
      timeoutMs: 60_000,
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "/root",
        GITHUB_TOKEN: "ghs_x",
        GITHUB_API_URL: github.url,
      },
    },
  );

describe("post-checks command", () => {
  it("posts valid reports and refuses the rest, saying so in the log", async () => {
    await writeFile(join(dir, "01-cache-mounts.json"), JSON.stringify(SAMPLE_FAILED));
    await writeFile(
      join(dir, "02-multi-platform.json"),
      JSON.stringify({ ...SAMPLE_FAILED, exercise: "02-multi-platform", status: "maybe" }),
    );
    const result = await post();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/01-cache-mounts: check run \d+ created/);
    expect(result.stdout).toContain(
      "::error title=Report refused::02-multi-platform.json: does not meet the report schema",
    );
    expect(github.checkRuns().map((r) => r["name"])).toEqual(["grade: 01-cache-mounts"]);
  });

  it("reports a hard failure to post, and points at the artifact", async () => {
    await writeFile(join(dir, "01-cache-mounts.json"), JSON.stringify(SAMPLE_FAILED));
    github.failNext({ status: 422, operation: "checks/create" });
    const result = await post();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error title=Check not posted::01-cache-mounts");
    expect(result.stdout).toContain("The grade is in the reports artifact.");
  });
});
