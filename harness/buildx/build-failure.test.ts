import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInfrastructureFailure } from "./build-command.ts";
import { failingStep, foldSteps } from "./build-step.ts";
import { parseRawJson } from "./rawjson.ts";

describe("who a failed build's failure belongs to", () => {
  it("a learner's failing RUN is the learner's", () => {
    const steps = foldSteps(
      parseRawJson(readFileSync(new URL("./testdata/failed-network.rawjson", import.meta.url), "utf8")),
    );
    expect(isInfrastructureFailure(failingStep(steps), steps)).toBe(false);
  });
  it("a refused push after every step succeeded is the grader's", () => {
    const events = [
      {
        vertexes: [
          {
            digest: "a",
            name: "[1/2] FROM docker.io/library/busybox",
            started: "2026-01-01T00:00:00Z",
            completed: "2026-01-01T00:00:01Z",
            cached: true,
          },
        ],
      },
      {
        vertexes: [
          {
            digest: "b",
            name: "[2/2] RUN true",
            started: "2026-01-01T00:00:01Z",
            completed: "2026-01-01T00:00:02Z",
          },
        ],
      },
      {
        vertexes: [
          {
            digest: "c",
            name: "pushing 127.0.0.1:4000/raw:1 with docker",
            started: "2026-01-01T00:00:02Z",
            completed: "2026-01-01T00:00:03Z",
            error: "unexpected status from HEAD request: 500 Internal Server Error",
          },
        ],
      },
    ];
    const steps = foldSteps(parseRawJson(events.map((e) => JSON.stringify(e)).join("\n")));
    expect(isInfrastructureFailure(failingStep(steps), steps)).toBe(true);
  });
});
