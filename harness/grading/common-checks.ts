import type { DockerfileModel } from "../dockerfile/dockerfile-model.ts";
import { problemLocation } from "./kit/locations.ts";
import type { Scorecard } from "./scorecard.ts";

/** "The Dockerfile is a valid Dockerfile", as every grader words it. */
export function judgeDockerfileParses(card: Scorecard, id: string, model: DockerfileModel): void {
  card.judge(
    id,
    model.problems.length === 0,
    model.problems.length === 0
      ? { message: `${model.stages.length} stage(s) parsed.` }
      : {
          message: `The Dockerfile has problems: ${model.problems.join("; ")}.`,
          location: problemLocation("Dockerfile", model.problems),
        },
  );
}
