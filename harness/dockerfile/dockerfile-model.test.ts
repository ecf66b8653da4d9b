import { describe, expect, it } from "vitest";
import { copySources, findStage, jsonForm, mountsOf, parseDockerfile } from "./dockerfile-model.ts";

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
  it("reads JSON-form arguments as BuildKit does, and shell form otherwise", () => {
    const json = parseDockerfile(
      'FROM node:20-alpine AS Build\nCOPY ["package.json", "package-lock.json*", "./"]\nRUN ["npm", "ci", "--omit=dev"]\nCMD ["node", "a b.js"]\nRUN [not json]\n',
    );
    const [copy, run, cmd, shell] = json.stages[0]?.instructions ?? [];
    expect(copy?.args).toEqual(["package.json", "package-lock.json*", "./"]);
    expect(run?.text).toBe("npm ci --omit=dev");
    expect(cmd?.args).toEqual(["node", "a b.js"]);
    expect(shell?.args).toEqual(["[not", "json]"]);
    expect(jsonForm('["a", 1]')).toBeUndefined();
    expect(jsonForm("[]")).toEqual([]);
  });
  it("matches stage names without regard to case, as BuildKit does", () => {
    const model = parseDockerfile("FROM busybox AS Builder\nFROM busybox\nCOPY --from=builder /a /b\n");
    expect(findStage(model, "builder")?.index).toBe(0);
    expect(findStage(model, "BUILDER")?.index).toBe(0);
  });
  it("gives the command a RUN runs, in every form BuildKit dispatches", () => {
    const model = parseDockerfile(
      [
        "FROM node:20 as build",
        "RUN --mount=type=cache,target=/root/.npm <<EOF",
        "set -e",
        "npm ci",
        "EOF",
        "RUN <<EOF bash",
        "npm run build",
        "EOF",
        'RUN ["sh", "-c", "npm ci --omit=dev"]',
        "RUN <<-EOF",
        "\t#!/bin/sh",
        "\tnpm test",
        "\tEOF",
        "COPY <<EOF package.json ./",
        "{}",
        "EOF",
      ].join("\n"),
    );
    const [simple, withCommand, exec, chomped, copy] = model.stages[0]?.instructions ?? [];
    expect(model.stages[0]?.name).toBe("build");
    expect(simple?.command).toBe("set -e\nnpm ci\n");
    expect(simple && mountsOf(simple, "cache").map((m) => m.options["target"])).toEqual(["/root/.npm"]);
    expect(withCommand?.command).toBe("<<EOF bash\nnpm run build\nEOF");
    expect(exec).toMatchObject({ command: "sh -c npm ci --omit=dev", execForm: true });
    expect(chomped?.command).toBe("#!/bin/sh\nnpm test\n");
    expect(copy && copySources(copy)).toEqual(["package.json"]);
  });
  it("reads quoted flag values and stops at a lone --", () => {
    const model = parseDockerfile(
      'FROM a\nRUN --mount="type=secret,id=npmrc,target=/root/.npmrc" --network=none -- --not-a-flag\nRUN --mount=type=bind,"target=/a b",source=. true\n',
    );
    const [run, bind] = model.stages[0]?.instructions ?? [];
    expect(run?.flags.map((f) => f.name)).toEqual(["mount", "network"]);
    expect(run && mountsOf(run, "secret")[0]?.options).toEqual({
      type: "secret",
      id: "npmrc",
      target: "/root/.npmrc",
    });
    expect(run?.text).toBe("--not-a-flag");
    // The quotes are gone before the options are read: they protect spaces, not commas.
    expect(bind && mountsOf(bind, "bind")[0]?.options).toEqual({ type: "bind", target: "/a b", source: "." });
  });
});

describe("mount flags", () => {
  it("reads a mount's keys and type in any case, as BuildKit does", () => {
    const run = parseDockerfile(
      "FROM a\nRUN --mount=Type=Cache,Target=/root/.npm --mount=type=SECRET,id=t npm ci\n",
    ).stages[0]?.instructions[0];
    expect(run && mountsOf(run, "cache").map((m) => m.options["target"])).toEqual(["/root/.npm"]);
    expect(run && mountsOf(run, "secret").map((m) => m.options["id"])).toEqual(["t"]);
  });
});
