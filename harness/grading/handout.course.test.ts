import { describe, expect, it } from "vitest";
import { listExercises } from "./exercise.ts";
import { handoutDrift } from "./handout.ts";

// For the course's maintainers (npm run test:all), not learners: a learner's edits to the
// workspace are exactly what this test would call drift.
describe("handout hashes", async () => {
  for (const exercise of await listExercises()) {
    it(`${exercise.id}: exercise.json records the workspace's learner files`, async () => {
      const drift = await handoutDrift(exercise);
      expect(
        drift,
        `exercises/${exercise.id}/exercise.json disagrees with workspace/ on ${drift.map((d) => d.file).join(", ")}: run npm run handout`,
      ).toEqual([]);
    });
  }
});
