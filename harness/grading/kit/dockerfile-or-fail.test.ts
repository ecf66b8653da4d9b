import { describe, expect, it } from "vitest";
import { loadExercise } from "../exercise.ts";
import { Scorecard } from "../scorecard.ts";
import { dockerfileOrFail } from "./dockerfile-or-fail.ts";
import { filesFromMap } from "./submission-files.ts";

const exercise = await loadExercise("01-cache-mounts");
const checks = [
  { id: "a", title: "a", points: 1, kind: "static" },
  { id: "b", title: "b", points: 1, kind: "behaviour" },
] as const;

describe("the Dockerfile, or why there is none to judge", () => {
  it("parses the text", () => {
    const card = new Scorecard(checks);
    const files = filesFromMap(exercise, new Map([["Dockerfile", "FROM busybox\n"]]));
    expect(dockerfileOrFail(files, card, ["a", "b"])?.stages).toHaveLength(1);
  });
  it.each([
    [new Map<string, string>(), /There is no Dockerfile in the submission/],
    [
      new Map([["Dockerfile", "it holds a NUL byte (at byte 3): it is a binary file, not text"]]),
      /^Dockerfile cannot be read: it holds a NUL byte/,
    ],
  ])("fails every dependent check with one message (%#)", (problems, message) => {
    const card = new Scorecard(checks);
    expect(dockerfileOrFail(filesFromMap(exercise, new Map(), problems), card, ["a", "b"])).toBeUndefined();
    for (const result of card.all()) {
      expect(result.status).toBe("failed");
      expect(result.message).toMatch(message);
      expect(result.location).toEqual({ file: "Dockerfile" });
    }
  });
});
