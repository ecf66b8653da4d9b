import { describe, expect, it } from "vitest";
import { imageBuildArgs, progressLine } from "./image-build.ts";

describe("the grader image's build", () => {
  it.each([
    {
      why: "on a learner's engine: Debian's archive and Docker Hub",
      request: { root: "/c", tag: "bk-grader:1", hostNetwork: false },
      extra: [],
    },
    {
      why: "offline, from a folder of packages and a mirror's base, on an engine without a bridge",
      request: {
        root: "/c",
        tag: "bk-grader:1",
        debs: "/d",
        base: "m:5000/node:20-bookworm-slim",
        hostNetwork: true,
      },
      extra: [
        "--build-context",
        "debs=/d",
        "--build-arg",
        "BASE=m:5000/node:20-bookworm-slim",
        "--network",
        "host",
      ],
    },
  ])("$why", ({ request, extra }) => {
    expect(imageBuildArgs(request)).toEqual([
      "buildx",
      "build",
      "--load",
      "--progress=plain",
      "--provenance=false",
      "-t",
      "bk-grader:1",
      "-f",
      "/c/harness/grader-image/Dockerfile",
      ...extra,
      "/c",
    ]);
  });

  it("shows steps and errors of a plain progress stream, not apt's or npm's lines", () => {
    expect(progressLine("#7 [stage-2 2/6] RUN apt-get install")).toBe("[stage-2 2/6] RUN apt-get install");
    expect(progressLine("#7 12.3 Unpacking git (1:2.39.5) ...")).toBeUndefined();
    expect(progressLine("#7 DONE 43.7s")).toBeUndefined();
    expect(progressLine("#10 ERROR: process did not complete successfully")).toMatch(/^#10 ERROR/);
    expect(progressLine(`#3 [fetch 2/2] RUN ${"x".repeat(300)}`)?.length).toBe(120);
  });
});
