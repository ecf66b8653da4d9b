import { describe, expect, it } from "vitest";
import { flaggedEdits } from "./flagged-edits.ts";

describe("flagged edits", () => {
  it("keeps the learner's workspace files and flags everything else", () => {
    const changed = [
      "exercises/01-cache-mounts/workspace/Dockerfile",
      "graders/cache-mounts/checks.ts",
      ".github/workflows/grade.yml",
      "exercises/01-cache-mounts/exercise.json",
      "exercises/99-unknown/workspace/x",
      "",
    ];
    expect(flaggedEdits(changed, ["01-cache-mounts"])).toEqual([
      ".github/workflows/grade.yml",
      "exercises/01-cache-mounts/exercise.json",
      "exercises/99-unknown/workspace/x",
      "graders/cache-mounts/checks.ts",
    ]);
  });
});
