import { describeStaticFixtures } from "../../harness/grading/testing/static-fixture-suite.ts";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { judgeDockerfileParses } from "../../harness/grading/common-checks.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { CHECK_LIST, CHECKS } from "./checks.ts";
import { checkWorkflow, WORKFLOW_FILE } from "./workflow-checks.ts";

describeStaticFixtures(new URL("../../exercises/02-multi-platform", import.meta.url).pathname, {
  checks: CHECK_LIST,
  judge: (files, card) => {
    judgeDockerfileParses(card, CHECKS.parses.id, parseDockerfile(files("Dockerfile") ?? ""));
    const workflow = files(WORKFLOW_FILE);
    checkWorkflow(
      workflow === undefined ? undefined : parseWorkflow(workflow),
      ["linux/amd64", "linux/arm64"],
      card,
    );
  },
});
