import { describe, expect, it } from "vitest";
import { bakeTarget } from "../../harness/buildx/testing/bake-target.ts";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { filesFromMap } from "../../harness/grading/kit/submission-files.ts";
import { Scorecard } from "../../harness/grading/scorecard.ts";
import { failedIds, judgeStatic } from "../../harness/grading/testing/judge-static.ts";
import { grader } from "./grader.ts";
import { BAKE_FILE, bakeArgLine } from "./static-checks.ts";

const exercise = await loadExercise("03-build-secrets");

const DOCKERFILE = `FROM node:20-alpine
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
COPY src ./src
CMD ["node", "src/index.js"]
`;

describe("build-secrets static checks, each passing and failing on small inputs", () => {
  it("passes a Dockerfile that mounts the secret", () => {
    expect(failedIds(judgeStatic(grader, exercise, { Dockerfile: DOCKERFILE }))).toEqual([]);
  });

  it.each([
    ["ARG", "ARG NPM_TOKEN\n", 2],
    ["ENV", "ENV NODE_AUTH_TOKEN=abc\n", 2],
    ["ENV in the old form", "ENV NPM_PASSWORD abc\n", 2],
  ])("fails static.no-secret-args for a credential in %s, at its line", (_form, line, at) => {
    const results = judgeStatic(grader, exercise, {
      Dockerfile: DOCKERFILE.replace("WORKDIR /app\n", `${line}WORKDIR /app\n`),
    });
    expect(failedIds(results)).toEqual(["static.no-secret-args"]);
    expect(results.get("static.no-secret-args")?.location).toEqual({ file: "Dockerfile", line: at });
  });

  it("does not mistake harmless names for credentials", () => {
    const results = judgeStatic(grader, exercise, {
      Dockerfile: DOCKERFILE.replace(
        "WORKDIR /app\n",
        "ARG NODE_VERSION=20\nENV NPM_CONFIG_LOGLEVEL=warn\nWORKDIR /app\n",
      ),
    });
    expect(failedIds(results)).toEqual([]);
  });

  it.each([
    ["a quoted default with a space", 'ARG LICENSE_HOLDER="the course authors"\n'],
    ["a quoted ENV pair", "ENV GREETING='hello token world' MODE=ci\n"],
    ["an escaped space", "ENV NOTE=see\\ AUTH\\ docs\n"],
    ["the old ENV form", "ENV BANNER welcome, secret agent\n"],
  ])("reads only declared names, never words of a value: %s", (_form, line) => {
    const results = judgeStatic(grader, exercise, {
      Dockerfile: DOCKERFILE.replace("WORKDIR /app\n", `${line}WORKDIR /app\n`),
    });
    expect(failedIds(results)).toEqual([]);
  });

  it("finds a credential named after a quoted value on the same line", () => {
    const results = judgeStatic(grader, exercise, {
      Dockerfile: DOCKERFILE.replace("WORKDIR /app\n", 'ARG OWNER="a b" NPM_TOKEN\nWORKDIR /app\n'),
    });
    expect(failedIds(results)).toEqual(["static.no-secret-args"]);
    expect(results.get("static.no-secret-args")?.message).toContain("ARG NPM_TOKEN");
  });

  it("fails dockerfile.secret-mount at the install when no RUN mounts a secret", () => {
    const results = judgeStatic(grader, exercise, {
      Dockerfile: DOCKERFILE.replace("--mount=type=secret,id=npmrc,target=/root/.npmrc ", ""),
    });
    expect(failedIds(results)).toEqual(["dockerfile.secret-mount"]);
    expect(results.get("dockerfile.secret-mount")?.location).toEqual({ file: "Dockerfile", line: 4 });
  });

  it("judges the bake file's args once bake has resolved them, pointing at the line that sets one", () => {
    const hcl = 'target "default" {\n  context = "."\n  args = {\n    NPM_TOKEN = "${NPM_TOKEN}"\n  }\n}\n';
    const bake = bakeTarget("/s", { args: { NPM_TOKEN: "t0k3n" } });
    const card = new Scorecard(grader.checks);
    grader.gradeStatic(
      {
        ...filesFromMap(
          exercise,
          new Map([
            ["Dockerfile", DOCKERFILE],
            [BAKE_FILE, hcl],
          ]),
        ),
        bake,
      },
      card,
    );
    const check = card.all().find((c) => c.id === "static.no-secret-args");
    expect(check?.status).toBe("failed");
    expect(check?.location).toEqual({ file: BAKE_FILE, line: 4 });
    expect(bakeArgLine('  "NPM_TOKEN" = "x"', "NPM_TOKEN")).toBe(1);
    expect(bakeArgLine("  NPM_TOKENS = 1", "NPM_TOKEN")).toBeUndefined();
  });

  it("fails every check it owns, naming the Dockerfile, when there is none", () => {
    const results = judgeStatic(grader, exercise, {});
    expect(failedIds(results)).toEqual([
      "dockerfile.parses",
      "dockerfile.secret-mount",
      "static.no-secret-args",
    ]);
    expect(results.get("dockerfile.parses")?.location?.file).toBe("Dockerfile");
  });
});
