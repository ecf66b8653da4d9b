import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { failedIds, judgeStatic } from "../../harness/grading/testing/judge-static.ts";
import { grader } from "./grader.ts";
import { WORKFLOW_FILE } from "./workflow-checks.ts";

const exercise = await loadExercise("01-cache-mounts");

const GOOD_DOCKERFILE = `FROM node:20-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY src ./src
RUN npm run build
FROM node:20-alpine
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
`;

const GOOD_WORKFLOW = `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/setup-buildx-action@v3
      - uses: docker/build-push-action@v6
        with:
          cache-from: type=gha
          cache-to: type=gha,mode=max
`;

const judge = (dockerfile: string | undefined, workflow: string | undefined) =>
  judgeStatic(grader, exercise, { Dockerfile: dockerfile, [WORKFLOW_FILE]: workflow });

describe("cache-mounts static checks, each passing and failing on small inputs", () => {
  it("passes a minimal correct pair", () => {
    expect(failedIds(judge(GOOD_DOCKERFILE, GOOD_WORKFLOW))).toEqual([]);
  });

  it.each([
    ["dockerfile.parses", GOOD_DOCKERFILE.replace("WORKDIR /app", "WORKDIR /app\nFETCH x")],
    [
      "dockerfile.manifests-first",
      GOOD_DOCKERFILE.replace(
        "COPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY src ./src",
        "COPY . .\nRUN --mount=type=cache,target=/root/.npm npm ci",
      ),
    ],
    [
      "dockerfile.install-cache-mount",
      GOOD_DOCKERFILE.replaceAll("--mount=type=cache,target=/root/.npm ", ""),
    ],
    ["dockerfile.runtime-stage", GOOD_DOCKERFILE.slice(0, GOOD_DOCKERFILE.indexOf("FROM node:20-alpine\n"))],
  ])("fails %s alone, at a line", (id, dockerfile) => {
    const results = judge(dockerfile, GOOD_WORKFLOW);
    expect(failedIds(results)).toContain(id);
    expect(results.get(id)?.location?.line).toBeGreaterThan(0);
  });

  it.each([
    ["workflow.setup-buildx", GOOD_WORKFLOW.replace("      - uses: docker/setup-buildx-action@v3\n", "")],
    [
      "workflow.build-push",
      GOOD_WORKFLOW.replace(/ {6}- uses: docker\/build-push-action[\s\S]*/, "      - run: make image\n"),
    ],
    ["workflow.gha-cache-from", GOOD_WORKFLOW.replace("          cache-from: type=gha\n", "")],
    ["workflow.gha-cache-max", GOOD_WORKFLOW.replace("type=gha,mode=max", "type=gha")],
  ])("fails %s, at a line of the workflow", (id, workflow) => {
    const results = judge(GOOD_DOCKERFILE, workflow);
    expect(failedIds(results)).toContain(id);
    expect(results.get(id)?.location).toMatchObject({ file: WORKFLOW_FILE });
    expect(results.get(id)?.location?.line).toBeGreaterThan(0);
  });

  it("reads buildx's own flags in a run script, a plain docker build only on a set-up builder", () => {
    const script = (command: string, setup = true) =>
      `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n${setup ? "      - uses: docker/setup-buildx-action@v3\n" : ""}      - run: |\n          ${command}\n`;
    expect(
      failedIds(
        judge(
          GOOD_DOCKERFILE,
          script('docker buildx build --cache-from type=gha --cache-to="type=gha,mode=max" .'),
        ),
      ),
    ).toEqual([]);
    expect(
      failedIds(
        judge(GOOD_DOCKERFILE, script("docker build --cache-from=type=gha --cache-to type=gha,mode=max .")),
      ),
    ).toEqual([]);
    expect(
      failedIds(
        judge(
          GOOD_DOCKERFILE,
          script("docker build --cache-from=type=gha --cache-to type=gha,mode=max .", false),
        ),
      ),
    ).toEqual([
      "workflow.build-push",
      "workflow.gha-cache-from",
      "workflow.gha-cache-max",
      "workflow.setup-buildx",
    ]);
  });

  it("fails every Dockerfile check, naming the file, when there is none; the workflow's alone when it is missing", () => {
    const noDockerfile = judge(undefined, GOOD_WORKFLOW);
    expect(failedIds(noDockerfile)).toEqual([
      "dockerfile.install-cache-mount",
      "dockerfile.manifests-first",
      "dockerfile.parses",
      "dockerfile.runtime-stage",
    ]);
    expect(noDockerfile.get("dockerfile.parses")?.location?.file).toBe("Dockerfile");
    expect(failedIds(judge(GOOD_DOCKERFILE, undefined))).toEqual([
      "workflow.build-push",
      "workflow.gha-cache-from",
      "workflow.gha-cache-max",
      "workflow.setup-buildx",
    ]);
  });
});
