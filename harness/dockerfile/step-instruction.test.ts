import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./dockerfile-model.ts";
import { instructionOfStep, stepCommand } from "./step-instruction.ts";
import { parseVertexName } from "../buildx/vertex-name.ts";

const model = parseDockerfile(
  [
    "FROM node:20-alpine AS Deps",
    "ARG NODE_ENV",
    "WORKDIR /app",
    "ENV CI=1",
    "COPY package*.json ./",
    "RUN --mount=type=cache,target=/root/.npm <<EOF",
    "set -eu",
    "npm ci",
    "EOF",
    "FROM node:20-alpine",
    "COPY --from=deps /app/node_modules ./node_modules",
    "RUN <<EOF",
    "echo ready",
    "EOF",
  ].join("\n"),
);

describe("the instruction behind a build step", () => {
  it("is found by stage and position, whatever the step's name shows", () => {
    // BuildKit names a heredoc RUN by its first body line only.
    const step = parseVertexName(
      "[linux/arm64 deps 4/4] RUN --mount=type=cache,target=/root/.npm <<EOF (set -eu...)",
    );
    expect(instructionOfStep(model, step)?.line).toBe(6);
    expect(stepCommand(model, step)).toBe("set -eu\nnpm ci\n");
    expect(stepCommand(model, parseVertexName("[stage-1 3/3] RUN <<EOF (echo ready)"))).toBe("echo ready\n");
  });
  it("counts only the instructions that make a step, after a FROM that pulls an image", () => {
    // Names as BuildKit printed them for exercise 02's heredoc fixture (ARG is not numbered).
    const compile = parseDockerfile(
      [
        "from --platform=${BUILDPLATFORM} golang:1.22-alpine as Compile",
        "arg TARGETPLATFORM",
        "workdir /src",
        'copy ["go.mod", "main.go", "./"]',
        "run <<'SCRIPT'",
        "go build -o /out/pinger .",
        "SCRIPT",
        "from scratch",
        "COPY --from=compile /out/pinger /",
        "FROM compile AS again",
        "RUN go vet ./...",
      ].join("\n"),
    );
    const named = (name: string) => stepCommand(compile, parseVertexName(name));
    expect(named("[linux/amd64->arm64 compile 4/4] RUN <<'SCRIPT' (go build -o /out/pinger .)")).toBe(
      "go build -o /out/pinger .\n",
    );
    expect(named("[linux/amd64->arm64 compile 2/4] WORKDIR /src")).toBe("/src");
    expect(
      instructionOfStep(
        compile,
        parseVertexName("[linux/arm64 stage-1 1/1] COPY --from=compile /out/pinger /"),
      )?.line,
    ).toBe(9);
    expect(named("[again 1/1] RUN go vet ./...")).toBe("go vet ./...");
  });
  it("falls back to the step's own text when the position does not fit", () => {
    const wrongKeyword = parseVertexName("[deps 2/4] RUN npm ci");
    expect(instructionOfStep(model, wrongKeyword)).toBeUndefined();
    expect(stepCommand(model, wrongKeyword)).toBe("RUN npm ci");
    expect(stepCommand(undefined, parseVertexName("[stage-9 2/2] RUN x"))).toBe("RUN x");
  });
  it("reads an unnamed single stage", () => {
    const single = parseDockerfile("FROM a\nRUN <<EOF\nnpm ci\nEOF\n");
    expect(stepCommand(single, parseVertexName("[2/2] RUN <<EOF (npm ci)"))).toBe("npm ci\n");
  });
});
