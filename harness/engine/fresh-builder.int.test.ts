import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand, type BuildResult } from "../buildx/build-command.ts";
import { workSteps } from "../buildx/build-step.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "./build-environment.ts";
import { openEnvironment } from "./open-environment.ts";
import { MIRROR, writeContext } from "./testdata/engine-fixtures.ts";

// A new CI runner starts with an empty builder: a run can make such builders, which reach the
// run's registry, so that a cache exported by one build is what restores the next.
describe("fresh builders of a run", () => {
  let env: BuildEnvironment;
  let context: string;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    context = await writeContext(
      "FROM busybox AS build\nRUN echo built > /built\nFROM busybox\nCOPY --from=build /built /built\n",
    );
  });
  afterAll(async () => {
    await env.dispose();
    await rm(context, { recursive: true, force: true });
  });

  async function build(on: BuildEnvironment, cacheFrom: boolean): Promise<BuildResult> {
    const ref = `${env.registry.host}/fresh:cache`;
    return new BuildCommand(new Buildx(on)).run({
      label: "fresh",
      context,
      output: "push",
      tags: [`${env.registry.host}/fresh:1`],
      network: "none",
      cacheTo: [`type=registry,ref=${ref},mode=max`],
      ...(cacheFrom ? { cacheFrom: [`type=registry,ref=${ref}`] } : {}),
      timeoutMs: 120_000,
    });
  }

  it("is empty, reaches the run's registry, and restores every step (build stage included) from its cache", async () => {
    const cold = await build(env, false);
    expect(cold.failure?.message).toBeUndefined();
    const make = env.freshBuilder;
    expect(make, "this driver makes fresh builders").toBeDefined();
    if (!make) return;

    const empty = await make();
    try {
      expect(empty.dockerHost).not.toBe(env.dockerHost);
      const rebuilt = await build(empty, false);
      expect(rebuilt.ok).toBe(true);
      // Nothing of the first builder's cache: every step ran.
      expect(workSteps(rebuilt.steps).filter((s) => s.cached)).toEqual([]);
    } finally {
      await empty.dispose();
    }

    const runner = await make();
    try {
      const warm = await build(runner, true);
      expect(warm.ok).toBe(true);
      expect(workSteps(warm.steps).length).toBeGreaterThan(1);
      expect(workSteps(warm.steps).filter((s) => !s.cached)).toEqual([]);
    } finally {
      await runner.dispose();
    }
  });
});
