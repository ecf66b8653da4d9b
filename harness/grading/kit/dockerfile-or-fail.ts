import { parseDockerfile, type DockerfileModel } from "../../dockerfile/dockerfile-model.ts";
import type { SubmissionFiles } from "../grader.ts";
import type { Scorecard } from "../scorecard.ts";
import { unreadableOr } from "./text-file.ts";

export const DOCKERFILE = "Dockerfile";

/**
 * The submission's Dockerfile, parsed (pure); when there is none, every check in `dependents`
 * fails with one message that names the file, and the grader goes on with what does not need it.
 */
export function dockerfileOrFail(
  files: SubmissionFiles,
  card: Scorecard,
  dependents: readonly string[],
): DockerfileModel | undefined {
  const text = files.text(DOCKERFILE);
  if (text !== undefined) return parseDockerfile(text);
  card.failRemaining(dependents, {
    message: unreadableOr(
      files,
      DOCKERFILE,
      "There is no Dockerfile in the submission: add one at the top of the exercise folder.",
    ),
    location: { file: DOCKERFILE },
  });
  return undefined;
}
