import type { Grader } from "../harness/grading/grader.ts";
import { buildSecretsGrader } from "./build-secrets/grader.ts";
import { cacheMountsGrader } from "./cache-mounts/grader.ts";
import { multiPlatformGrader } from "./multi-platform/grader.ts";

/** Every grader, by the name an exercise.json gives in its "grader" field. */
export const GRADERS: Readonly<Record<string, Grader>> = {
  "cache-mounts": cacheMountsGrader,
  "multi-platform": multiPlatformGrader,
  "build-secrets": buildSecretsGrader,
};
