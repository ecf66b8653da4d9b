import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { failedIds, judgeStatic } from "../../harness/grading/testing/judge-static.ts";
import { grader } from "./grader.ts";
import { WORKFLOW_FILE } from "./workflow-checks.ts";

const exercise = await loadExercise("02-multi-platform");

const DOCKERFILE = `FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/pinger .
FROM alpine:3.20
COPY --from=build /out/pinger /usr/local/bin/pinger
ENTRYPOINT ["pinger"]
`;

const WORKFLOW = `on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-qemu-action@v3
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          platforms: linux/amd64,linux/arm64
          push: true
          tags: r/pinger:latest
`;

const judge = (dockerfile: string | undefined, workflow: string | undefined) =>
  judgeStatic(grader, exercise, { Dockerfile: dockerfile, [WORKFLOW_FILE]: workflow });

describe("multi-platform static checks, each passing and failing on small inputs", () => {
  it("passes a minimal correct pair", () => {
    expect(failedIds(judge(DOCKERFILE, WORKFLOW))).toEqual([]);
  });

  it("fails dockerfile.parses at the line of the problem, and when the Dockerfile is missing", () => {
    const broken = judge(DOCKERFILE.replace("WORKDIR /src", "WORKDIR /src\nCOMPILE x"), WORKFLOW);
    expect(failedIds(broken)).toEqual(["dockerfile.parses"]);
    expect(broken.get("dockerfile.parses")?.location).toEqual({ file: "Dockerfile", line: 4 });
    expect(failedIds(judge(undefined, WORKFLOW))).toEqual(["dockerfile.parses"]);
  });

  it.each([
    ["workflow.setup-qemu", WORKFLOW.replace("      - uses: docker/setup-qemu-action@v3\n", "")],
    ["workflow.setup-buildx", WORKFLOW.replace("      - uses: docker/setup-buildx-action@v3\n", "")],
    ["workflow.platforms", WORKFLOW.replace("linux/amd64,linux/arm64", "linux/amd64")],
    ["workflow.push", WORKFLOW.replace("push: true", "push: false")],
  ])("fails %s alone, at a line of the workflow", (id, workflow) => {
    const results = judge(DOCKERFILE, workflow);
    expect(failedIds(results)).toEqual([id]);
    expect(results.get(id)?.location?.line).toBeGreaterThan(0);
  });

  it("fails every workflow check, naming the file, when the workflow is missing or not YAML", () => {
    const all = ["workflow.platforms", "workflow.push", "workflow.setup-buildx", "workflow.setup-qemu"];
    expect(failedIds(judge(DOCKERFILE, undefined))).toEqual(all);
    const broken = judge(DOCKERFILE, "on: push\njobs: [\n");
    expect(failedIds(broken)).toEqual(all);
    expect(broken.get("workflow.push")?.location?.file).toBe(WORKFLOW_FILE);
  });
});
