import { describe, expect, it } from "vitest";
import { parseCsvSpecs, parseWorkflow, permissionFor, stepsUsing } from "./workflow-model.ts";

const text = `name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build
        uses: Docker/build-push-action@v6
        with:
          push: true
          cache-to: |
            type=gha,mode=max
            type=registry,ref=x
      - run: echo done
`;

describe("workflow model", () => {
  const model = parseWorkflow(text);
  it("lists steps with their job, inputs and line", () => {
    expect(model.problems).toEqual([]);
    expect(model.steps.map((s) => [s.job, s.line, s.uses ?? s.run])).toEqual([
      ["build", 7, "actions/checkout@v4"],
      ["build", 8, "Docker/build-push-action@v6"],
      ["build", 15, "echo done"],
    ]);
    expect(stepsUsing(model, "docker/build-push-action")[0]?.with["push"]).toBe("true");
  });
  it("splits cache specs", () => {
    const spec = stepsUsing(model, "docker/build-push-action")[0]?.with["cache-to"] ?? "";
    expect(parseCsvSpecs(spec)).toEqual([
      { type: "gha", mode: "max" },
      { type: "registry", ref: "x" },
    ]);
  });
  it("reports YAML errors with their line", () => {
    const bad = parseWorkflow("jobs:\n  a:\n    steps: [\n");
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(bad.problems[0]).toMatch(/^line \d+:/);
  });
  it("reports a document without jobs", () => {
    expect(parseWorkflow("name: x\n").problems).toEqual(["the workflow has no jobs"]);
  });
  it("reads permissions the way GitHub applies them: a job's replace the workflow's", () => {
    const model = parseWorkflow(
      [
        "on: push",
        "permissions: { contents: read, id-token: write }",
        "env: { A: one }",
        "jobs:",
        "  inherits: { runs-on: x, steps: [{ run: a }] }",
        "  narrows:",
        "    runs-on: x",
        "    permissions: { contents: read }",
        "    env: { B: two }",
        "    outputs: { digest: '${{ steps.b.outputs.digest }}' }",
        "    steps: [{ id: b, run: b, env: { C: three } }]",
        "  all: { runs-on: x, permissions: write-all, steps: [{ run: c }] }",
        "  nothing: { runs-on: x, permissions: {}, steps: [{ run: d }] }",
      ].join("\n"),
    );
    expect(model.problems).toEqual([]);
    expect(permissionFor(model, "inherits", "id-token")).toBe("write");
    expect(permissionFor(model, "narrows", "id-token")).toBe("none");
    expect(permissionFor(model, "all", "id-token")).toBe("write");
    expect(permissionFor(model, "nothing", "contents")).toBe("none");
    expect(
      permissionFor(parseWorkflow("on: push\njobs:\n  a: { runs-on: x, steps: [] }\n"), "a", "id-token"),
    ).toBe("default");
    expect(model.env).toEqual({ A: "one" });
    expect(model.jobs.find((j) => j.id === "narrows")).toMatchObject({
      env: { B: "two" },
      outputs: { digest: "${{ steps.b.outputs.digest }}" },
    });
    expect(model.steps.find((s) => s.job === "narrows")).toMatchObject({ id: "b", env: { C: "three" } });
  });
});

describe("workflows that are not one", () => {
  it.each([
    ["a list", "- a\n- b\n", /not a YAML mapping/],
    ["an empty file", "", /not a YAML mapping/],
    ["tabs for indentation", "on: push\njobs:\n\tx: 1\n", /^line 3: Tabs are not allowed/],
    // However deep the reader's stack goes, what it reports is a problem: the jobs are not a mapping.
    [
      "20,000 nested brackets",
      `on: push\njobs: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
      /^line 2: |no jobs/,
    ],
  ])("%s: a problem with its line, not a crash", (_case, text, problem) => {
    expect(parseWorkflow(text).problems[0]).toMatch(problem);
  });
});

describe("action inputs", () => {
  it("reads an input with no value as empty, as GitHub does, not as null", () => {
    const model = parseWorkflow(
      "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/bake-action@v5\n        with:\n          builder:\n          push: true\n          files: ~\n",
    );
    expect(model.steps[0]?.with).toEqual({ builder: "", push: "true", files: "" });
  });
});
