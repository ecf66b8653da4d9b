import { describe, expect, it } from "vitest";
import { bakeTargetBuild } from "./bake-target-build.ts";
import { bakeTarget } from "./testing/bake-target.ts";

describe("a bake target as a build", () => {
  it.each([
    [{}, { context: "/s/api", dockerfile: "/s/api/Dockerfile", buildArgs: {}, labels: {} }],
    [{ dockerfile: "../docker/api.Dockerfile" }, { dockerfile: "/s/docker/api.Dockerfile" }],
    [
      { target: "runtime", args: { A: "1" } },
      { target: "runtime", buildArgs: { A: "1" } },
    ],
    [{ noCache: true }, { noCache: true }],
    [{ noCacheFilter: ["deps"] }, { noCacheFilter: ["deps"] }],
    [{ secrets: [{ id: "npmrc", src: "/s/.npmrc" }] }, { secrets: [{ id: "npmrc", src: "/s/.npmrc" }] }],
  ] as const)("%j", (over, expected) => {
    expect(bakeTargetBuild(bakeTarget("/s/api", over))).toMatchObject(expected);
  });
  it("adds nothing bake would not: no cache flags unless asked", () => {
    expect(Object.keys(bakeTargetBuild(bakeTarget("/s")))).toEqual([
      "context",
      "dockerfile",
      "buildArgs",
      "labels",
    ]);
  });
});
