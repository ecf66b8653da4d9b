import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand } from "../buildx/build-command.ts";
import { workSteps } from "../buildx/build-step.ts";
import { Buildx } from "../buildx/buildx.ts";
import { DiskUsage } from "../buildx/disk-usage.ts";
import type { BuildEnvironment } from "./build-environment.ts";
import { openEnvironment } from "./open-environment.ts";
import { MIRROR, writeContext } from "./testdata/engine-fixtures.ts";

// Two grading runs must never share build cache or cache mounts.
describe("isolation between runs", () => {
  let a: BuildEnvironment;
  let b: BuildEnvironment;
  let context: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([openEnvironment({ mirror: MIRROR }), openEnvironment({ mirror: MIRROR })]);
    context = await writeContext(
      "FROM busybox\nRUN --mount=type=cache,target=/c echo run-$RANDOM > /c/f && cp /c/f /f\n",
    );
  });
  afterAll(async () => {
    await Promise.all([a.dispose(), b.dispose()]);
    await rm(context, { recursive: true, force: true });
  });

  const build = (env: BuildEnvironment, label: string) =>
    new BuildCommand(new Buildx(env)).run({
      label,
      context,
      output: "cacheonly",
      network: "none",
      timeoutMs: 120_000,
    });

  it("a step cached in one run's builder is not cached in another's", async () => {
    const first = await build(a, "a1");
    const again = await build(a, "a2");
    const other = await build(b, "b1");
    for (const r of [first, again, other]) expect(r.ok, r.failure?.message).toBe(true);
    const run = (r: typeof first) => workSteps(r.steps).find((s) => s.instruction === "RUN");
    expect(run(first)?.cached).toBe(false);
    expect(run(again)?.cached).toBe(true);
    expect(run(other)?.cached).toBe(false);
  });

  it("cache mounts live in their own run's builder only", async () => {
    const mountsA = await new DiskUsage(new Buildx(a)).cacheMounts();
    const mountsB = await new DiskUsage(new Buildx(b)).cacheMounts();
    expect(mountsA.map((m) => m.target)).toEqual(["/c"]);
    expect(mountsB.map((m) => m.target)).toEqual(["/c"]);
    expect(mountsA[0]?.id).not.toBe(mountsB[0]?.id);
    expect(a.env["DOCKER_HOST"]).not.toBe(b.env["DOCKER_HOST"]);
  });
});
