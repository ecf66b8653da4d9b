import { describe, expect, it } from "vitest";
import { parseCsvSpecs, parseWorkflow, stepsUsing } from "./workflow-model.ts";

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
});
