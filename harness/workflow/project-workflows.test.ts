import { readdirSync, readFileSync } from "node:fs";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../grading/exercise.ts";

// The project's own workflows, read by GitHub's workflow parser, and the safety properties the
// grading design depends on.
const dir = `${REPO_ROOT}/.github/workflows`;
const files = readdirSync(dir).filter((f) => f.endsWith(".yml"));
const load = (name: string): Record<string, unknown> =>
  parse(readFileSync(`${dir}/${name}`, "utf8")) as Record<string, unknown>;

describe("project workflows", () => {
  it.each(files)("%s is a valid workflow for GitHub's parser", async (name) => {
    const result = parseWorkflow(
      { name, content: readFileSync(`${dir}/${name}`, "utf8") },
      new NoOperationTraceWriter(),
    );
    expect(result.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    if (!result.value) throw new Error("no workflow");
    const template = await convertWorkflowTemplate(result.context, result.value);
    expect((template.errors ?? []).map((e) => e.Message)).toEqual([]);
    expect(template.jobs.length).toBeGreaterThan(0);
  });

  it("the parser does reject a broken workflow (so the check above can fail)", () => {
    const broken =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        run: echo both\n    colour: red\n";
    const result = parseWorkflow({ name: "broken.yml", content: broken }, new NoOperationTraceWriter());
    expect(result.context.errors.getErrors().length).toBeGreaterThan(0);
  });

  it("grading runs on pull_request (never pull_request_target) with a read-only token and no secrets", () => {
    const text = readFileSync(`${dir}/grade.yml`, "utf8");
    const wf = load("grade.yml");
    expect(Object.keys(wf["on"] as object)).toEqual(["pull_request"]);
    expect(wf["permissions"]).toEqual({ contents: "read" });
    expect(text).not.toMatch(/secrets\./);
    // The grader comes from the base commit; only workspaces are taken from the pull request.
    expect(text).toContain("ref: ${{ github.event.pull_request.base.sha }}");
    expect(text).toMatch(/cp -R "\$ws" "grader\/exercises\/\$id\/workspace"/);
    expect(text).toContain("--changed-files");
    expect(text).toContain("actions/upload-artifact@");
  });

  it("posting has checks: write, runs only trusted code, and verifies the run through the API", () => {
    const text = readFileSync(`${dir}/post-checks.yml`, "utf8");
    const wf = load("post-checks.yml");
    expect(wf["on"]).toEqual({ workflow_run: { workflows: ["grade"], types: ["completed"] } });
    expect(wf["permissions"]).toEqual({
      checks: "write",
      actions: "read",
      "pull-requests": "read",
      contents: "read",
    });
    // Nothing of the pull request reaches this job but the run id: no head ref, no artifact action.
    expect(text).not.toMatch(/head_branch|head_sha|head\.sha|pull_request\.head|download-artifact/);
    expect(text).toContain('bin/post-checks.js --repo "$GITHUB_REPOSITORY" --run-id "$RUN_ID"');
  });

  it("no other workflow can write", () => {
    for (const name of files.filter((f) => f !== "post-checks.yml")) {
      const permissions = JSON.stringify(load(name)["permissions"] ?? {});
      expect(permissions, name).not.toMatch(/write/);
    }
  });

  it("grade-class fans out over a matrix of shards and merges them, on dispatch only, reading forks as data", () => {
    const text = readFileSync(`${dir}/grade-class.yml`, "utf8");
    const wf = load("grade-class.yml");
    expect(Object.keys(wf["on"] as object)).toEqual(["workflow_dispatch"]);
    expect(wf["permissions"]).toEqual({ contents: "read", "pull-requests": "read" });
    expect(text).not.toMatch(/secrets\./);
    const jobs = wf["jobs"] as Record<string, Record<string, unknown>>;
    expect(Object.keys(jobs)).toEqual(["plan", "grade", "merge"]);
    expect(jobs["grade"]?.["needs"]).toBe("plan");
    expect(jobs["merge"]?.["needs"]).toBe("grade");
    const strategy = jobs["grade"]?.["strategy"] as { matrix: { shard: string }; "fail-fast": boolean };
    expect(strategy.matrix.shard).toBe("${{ fromJSON(needs.plan.outputs.shards) }}");
    expect(strategy["fail-fast"]).toBe(false);
    // Each shard grades its slice; the merge job combines every shard's folder.
    expect(text).toContain('--batch ../class --shard "$SHARD"');
    expect(text).toContain("node bin/grade.js merge shards/* --out class-results");
    // Forks give only their workspace files, as data; roster fields are checked before use.
    // (fetch-class.test.ts runs the fetch script against local repositories.)
    expect(text).toContain("run: bash grader/.github/scripts/fetch-class.sh");
    expect(text).not.toMatch(/npm (ci|install|test)[^\n]*\.\.\/class|bash class|sh class/);
    for (const job of Object.values(jobs)) {
      const steps = job["steps"] as { uses?: string; with?: Record<string, unknown> }[];
      for (const step of steps.filter((st) => st.uses?.startsWith("actions/checkout")))
        expect(step.with?.["persist-credentials"]).toBe(false);
    }
  });
});
