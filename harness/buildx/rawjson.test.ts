import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRawJson, splitProgress } from "./rawjson.ts";
import { carryAttemptTimes, dockerfileSteps, failingStep, foldSteps, workSteps } from "./build-step.ts";

const testdata = (name: string): string =>
  readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");

describe("rawjson stream", () => {
  it("splits concatenated pretty-printed objects and keeps the trailing CLI text", () => {
    const { values, lines, rest } = splitProgress('{"a":1}\n{\n "b": "}{\\"" }\nERROR: boom\n');
    expect(values).toEqual([{ a: 1 }, { b: '}{"' }]);
    expect(lines.join("").trim()).toBe("ERROR: boom");
    expect(rest).toBe("");
  });

  it("goes on past the CLI's own lines among the events, and waits for a line's end", () => {
    // The remote driver's warning about a build without an output, written from another
    // thread than the progress, once landed before the last events: they were lost.
    const warning =
      "WARNING: No output specified with remote driver. Build result will only remain in the build cache.\n";
    const split = splitProgress(`{"a":1}\n${warning}[1]\n{bad: json}\n{"b":2}\nERROR: bo`);
    expect(split.values).toEqual([{ a: 1 }, [1], { b: 2 }]);
    expect(split.lines).toEqual([warning, "{bad: json}\n"]);
    expect(split.rest).toBe("ERROR: bo");
    expect(splitProgress("ERROR: bo", true)).toEqual({ values: [], lines: ["ERROR: bo"], rest: "" });
    const parsed = parseRawJson(
      `{"vertexes":[{"digest":"d1","name":"x"}]}\n${warning}{"vertexes":[{"digest":"d2","name":"y"}]}\n`,
    );
    expect(parsed.events).toHaveLength(2);
    expect(parsed.trailer).toBe(warning.trim());
  });

  it("stops at a truncated object instead of throwing", () => {
    const parsed = parseRawJson('{"vertexes":[{"digest":"d1","name":"x"}]}\n{"vertexes":[');
    expect(parsed.events).toHaveLength(1);
    expect(parsed.trailer).toBe('{"vertexes":[');
  });

  it("folds a captured two-platform cold build into named, staged steps", () => {
    const steps = foldSteps(parseRawJson(testdata("cold.rawjson")));
    const run = steps.find((s) => s.name === "[linux/arm64 base 2/2] RUN echo hello > /a && uname -m");
    expect(run).toMatchObject({
      stage: "base",
      platform: "linux/arm64",
      instruction: "RUN",
      index: 2,
      cached: false,
    });
    expect(run?.log).toContain("aarch64");
    expect(run?.durationMs).toBeGreaterThan(0);
    const docker = dockerfileSteps(steps);
    expect(docker.map((s) => s.platform).filter((p) => p === "linux/amd64")).toHaveLength(4);
    // FROM of an image already in the store is reported cached; the learner's steps are not.
    expect(workSteps(steps).every((s) => !s.cached)).toBe(true);
  });

  it("marks the steps a warm rebuild took from cache", () => {
    const steps = workSteps(foldSteps(parseRawJson(testdata("warm.rawjson"))));
    const cached = steps.filter((s) => s.cached).map((s) => `${s.platform} ${s.stage} ${s.instruction}`);
    expect(cached.sort()).toEqual(["linux/amd64 base RUN", "linux/arm64 base RUN"]);
    expect(steps.filter((s) => s.instruction === "COPY").every((s) => !s.cached)).toBe(true);
  });

  it("counts a retried build's steps that an earlier attempt ran as run, with that attempt's times", () => {
    const cold = foldSteps(parseRawJson(testdata("cold.rawjson")));
    const warm = foldSteps(parseRawJson(testdata("warm.rawjson")));
    const carried = workSteps(carryAttemptTimes(warm, [cold]));
    const runs = carried.filter((s) => s.instruction === "RUN" && s.ranInEarlierAttempt);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      const original = cold.find((s) => s.digest === run.digest);
      // Run by this build, in its earlier attempt: not cache reuse.
      expect(run.cached).toBe(false);
      expect(original?.cached).toBe(false);
      expect(run.durationMs).toBe(original?.durationMs);
      expect(run.durationMs).toBeGreaterThan(0);
    }
    // Steps this attempt ran keep their own times; a build never retried is unchanged.
    const ownRuns = carried.filter((s) => !s.cached && !s.ranInEarlierAttempt);
    expect(ownRuns.length).toBeGreaterThan(0);
    expect(carried.filter((s) => s.cached).length).toBe(workSteps(warm).filter((s) => s.cached).length - 2);
    expect(carryAttemptTimes(warm, [])).toEqual(warm);
  });

  it("counts a step an earlier attempt started, but never saw end, as run by the build", () => {
    const cold = foldSteps(parseRawJson(testdata("cold.rawjson")));
    const warm = foldSteps(parseRawJson(testdata("warm.rawjson")));
    // The earlier attempt's stream was cut: its steps started, no completion arrived.
    const cut = cold.map((s) => ({ ...s, completed: undefined, durationMs: undefined }));
    const carried = workSteps(carryAttemptTimes(warm, [cut]));
    const runs = carried.filter((s) => s.instruction === "RUN" && s.ranInEarlierAttempt);
    expect(runs).toHaveLength(2);
    expect(runs.every((s) => !s.cached && s.started !== undefined)).toBe(true);
    // Never started there: still cache reuse.
    const unstarted = cold.map((s) => ({
      ...s,
      started: undefined,
      completed: undefined,
      durationMs: undefined,
    }));
    expect(carryAttemptTimes(warm, [unstarted])).toEqual(warm);
  });

  it("names the step that failed, not the ones cancelled after it", () => {
    const parsed = parseRawJson(testdata("failed-network.rawjson"));
    const failed = failingStep(foldSteps(parsed));
    expect(failed?.text).toBe("RUN echo hello > /a && uname -m");
    expect(failed?.error).toContain("network bridge not found");
    expect(parsed.trailer).toContain("ERROR: failed to solve");
  });

  it("tells a cross-compiling step from the target it builds for", () => {
    const steps = workSteps(foldSteps(parseRawJson(testdata("cross-compile.rawjson"))));
    const compiles = steps.filter((s) => s.instruction === "RUN" && s.text.includes("go build"));
    expect(compiles.map((s) => [s.platform, s.executionPlatform]).sort()).toEqual([
      ["linux/amd64", "linux/amd64"],
      ["linux/arm64", "linux/amd64"],
    ]);
  });
});
