import { describe, expect, it } from "vitest";
import { findStage, mountsOf, parseDockerfile } from "./dockerfile-model.ts";

const text = [
  "# syntax=docker/dockerfile:1",
  "ARG NODE=20",
  "FROM --platform=$BUILDPLATFORM node:20-alpine AS builder",
  "COPY package*.json ./",
  "RUN --mount=type=cache,target=/root/.npm,sharing=locked \\",
  "    --mount=type=secret,id=npmrc \\",
  "    npm ci",
  "RUN <<EOF",
  "echo hi",
  "EOF",
  "FROM busybox",
  "COPY --from=builder /app /app",
].join("\n");

describe("Dockerfile model", () => {
  const model = parseDockerfile(text);
  it("splits stages with names, bases and platforms", () => {
    expect(model.stages.map((s) => [s.name, s.baseImage, s.platform, s.line])).toEqual([
      ["builder", "node:20-alpine", "$BUILDPLATFORM", 3],
      [undefined, "busybox", undefined, 11],
    ]);
    expect(model.globalArgs.map((a) => a.text)).toEqual(["NODE=20"]);
    expect(findStage(model, "builder")?.index).toBe(0);
    expect(findStage(model, "1")?.baseImage).toBe("busybox");
  });
  it("reads mount flags and spans continuation lines", () => {
    const run = model.stages[0]?.instructions[1];
    expect(run).toMatchObject({ keyword: "RUN", line: 5, endLine: 7, text: "npm ci" });
    expect(run && mountsOf(run, "cache").map((m) => m.options["target"])).toEqual(["/root/.npm"]);
    expect(run && mountsOf(run, "secret").map((m) => m.options["id"])).toEqual(["npmrc"]);
  });
  it("reports what is not a Dockerfile", () => {
    expect(parseDockerfile("RUN echo\n").problems).toEqual([
      "line 1: RUN before the first FROM",
      "no FROM instruction: a Dockerfile must start a stage with FROM",
    ]);
    expect(parseDockerfile("FROM a\nFORM b\n").problems).toEqual(["line 2: unknown instruction FORM"]);
    expect(parseDockerfile("").stages).toEqual([]);
  });
});
