import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidSubmissionError } from "../errors.ts";
import { loadExercise, type Exercise } from "./exercise.ts";
import { prepareSubmission } from "./submission.ts";

let exercise: Exercise;
let learner: string;
beforeEach(async () => {
  exercise = await loadExercise("01-cache-mounts");
  learner = await mkdtemp(join(tmpdir(), "learner-"));
  await cp(exercise.workspace, learner, { recursive: true });
});
afterEach(() => rm(learner, { recursive: true, force: true }));

describe("a learner's folder laid over the handout", () => {
  it("says which learner file is a folder, instead of crashing on the copy", async () => {
    await rm(join(learner, "Dockerfile"));
    await mkdir(join(learner, "Dockerfile"));
    const prepared = prepareSubmission(exercise, learner);
    await expect(prepared).rejects.toBeInstanceOf(InvalidSubmissionError);
    await expect(prepared).rejects.toThrow(/Dockerfile is a folder in the submission/);
  });

  it("refuses a folder where a learner file the handout lacks should be", async () => {
    await mkdir(join(learner, "notes.yml"));
    const prepared = prepareSubmission(
      { ...exercise, learnerFiles: [...exercise.learnerFiles, "notes.yml"] },
      learner,
    );
    await expect(prepared).rejects.toThrow(/notes\.yml is a folder; the exercise reads it as a file/);
  });

  it("takes the handout itself as it is", async () => {
    const prepared = await prepareSubmission(exercise, learner);
    try {
      expect(prepared.attempted).toBe(false);
      expect(prepared.missing).toEqual([]);
    } finally {
      await prepared.dispose();
    }
  });
});
