import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { failingStep, foldSteps } from "./build-step.ts";
import { classifyFailure, retryAfter, type FailureEvidence } from "./failure-cause.ts";
import { parseRawJson } from "./rawjson.ts";
import { retryDelayMs } from "./build-command.ts";

// Each file is the stderr of a real `docker buildx build --progress=rawjson` that failed on this
// machine: the rawjson events, then the CLI's own ERROR line.
function evidence(name: string, extra: Partial<FailureEvidence> = {}): FailureEvidence {
  const text = readFileSync(new URL(`./testdata/failures/${name}.stderr`, import.meta.url), "utf8");
  const parse = parseRawJson(text);
  const failed = failingStep(foldSteps(parse));
  return {
    step: failed?.name,
    learnerStep: failed?.instruction !== undefined,
    error: failed?.error ?? "",
    cliMessage: parse.trailer
      .split("\n")
      .filter((l) => l.startsWith("ERROR:"))
      .join("\n"),
    log: failed?.log ?? "",
    timedOut: false,
    limits: [],
    ...extra,
  };
}

describe("whose failure: captured from real builds", () => {
  it.each([
    ["run-fails", "step-failed"],
    ["missing-file", "missing-file"],
    ["syntax", "dockerfile-syntax"],
    ["unknown-target", "unknown-stage"],
    ["image-not-found", "base-image-missing"],
  ])("%s is the learner's (%s)", (name, kind) => {
    expect(classifyFailure(evidence(name))).toEqual({ party: "learner", kind });
  });

  it.each([
    ["missing-base", "unreachable", "NETWORK_ERROR", true],
    ["registry-503", "registry-unavailable", "REGISTRY_UNAVAILABLE", true],
    ["registry-429", "rate-limited", "REGISTRY_RATE_LIMITED", true],
    ["stand-in", "stand-in-limit", "STAND_IN_LIMIT", false],
  ])("%s is the grading machine's (%s)", (name, kind, code, retryable) => {
    const cause = classifyFailure(evidence(name));
    expect(cause).toMatchObject({ party: "infrastructure", kind, code, retryable });
    expect(cause.party === "infrastructure" && cause.advice.length > 20).toBe(true);
  });

  it("a RUN that prints or quotes an infrastructure message is still the learner's", () => {
    // run-fails runs `echo "no space left on device" && exit 3`: its command is in the error.
    expect(classifyFailure(evidence("run-fails")).party).toBe("learner");
    const forged = evidence("run-fails", {
      log: "bk-grader stand-in: apk cannot reach Alpine's package index",
    });
    expect(classifyFailure(forged).party).toBe("learner");
  });

  it("a reached limit or a timeout is the learner's", () => {
    expect(classifyFailure(evidence("run-fails", { limits: ["256 MiB of memory"] })).kind).toBe(
      "limit-reached",
    );
    expect(
      classifyFailure({ ...evidence("run-fails"), error: "", cliMessage: "", timedOut: true }).kind,
    ).toBe("timed-out");
  });

  it("an engine gone or a full disk outside the learner's steps is the grading machine's", () => {
    const base = { step: "exporting to image", learnerStep: false, log: "", timedOut: false, limits: [] };
    expect(
      classifyFailure({
        ...base,
        error: "",
        cliMessage:
          "ERROR: failed to solve: rpc error: code = Unavailable desc = error reading from server: EOF",
      }),
    ).toMatchObject({ kind: "engine-lost", code: "ENGINE_LOST" });
    expect(
      classifyFailure({
        ...base,
        error: "write /var/lib/docker/tmp/x: no space left on device",
        cliMessage: "",
      }),
    ).toMatchObject({ kind: "disk-full", code: "DISK_FULL" });
    expect(
      classifyFailure({
        ...base,
        step: "pushing 127.0.0.1:4000/x with docker",
        error: "unexpected EOF",
        cliMessage: "",
      }),
    ).toMatchObject({ kind: "export-failed", retryable: true });
  });

  it("reads Retry-After, and backs off exponentially otherwise, at most a minute", () => {
    expect(retryAfter("toomanyrequests: please retry after 30s")).toBe(30);
    expect(retryAfter("Retry-After: 7")).toBe(7);
    expect(retryAfter("429 Too Many Requests")).toBeUndefined();
    expect([1, 2, 3].map((n) => retryDelayMs(n, undefined))).toEqual([2000, 4000, 8000]);
    expect(retryDelayMs(1, 7)).toBe(7000);
    expect(retryDelayMs(1, 3600)).toBe(60_000);
  });
});
