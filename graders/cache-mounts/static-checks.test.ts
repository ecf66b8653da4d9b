import { describeStaticFixtures } from "../../harness/grading/testing/static-fixture-suite.ts";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { CHECK_LIST } from "./checks.ts";
import { checkDockerfile } from "./dockerfile-checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

describeStaticFixtures(new URL("../../exercises/01-cache-mounts", import.meta.url).pathname, {
  checks: CHECK_LIST,
  judge: (files, card) => {
    checkDockerfile(parseDockerfile(files("Dockerfile") ?? ""), card);
    const workflow = files(WORKFLOW_FILE);
    checkWorkflow(workflow === undefined ? undefined : parseWorkflow(workflow), card);
  },
});
