import { describeStaticFixtures } from "../../harness/grading/testing/static-fixture-suite.ts";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { checkStatic } from "./static-checks.ts";

describeStaticFixtures(new URL("../../exercises/03-build-secrets", import.meta.url).pathname, {
  checks: CHECK_LIST,
  judge: (files, card) => {
    checkStatic(parseDockerfile(files("Dockerfile") ?? ""), undefined, [], card);
  },
  // The bake file's args need `docker buildx bake --print` (the engine's CLI): judged on the engine.
  skip: (files) => (/\bargs\s*=/.test(files("docker-bake.hcl") ?? "") ? [CHECKS.noSecretArgs.id] : []),
});
