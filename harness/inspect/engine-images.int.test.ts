import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { EngineImages } from "./engine-images.ts";

// What `docker inspect` and `docker history` show for an image loaded into the run's engine.
describe("engine images (dockerode)", () => {
  let env: BuildEnvironment;
  let context: string;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    context = await writeContext(
      'FROM busybox\nARG LEVEL=info\nENV LOG_LEVEL=$LEVEL\nLABEL course.exercise="engine-images"\nRUN echo built > /built\nCMD ["cat", "/built"]\n',
    );
  });
  afterAll(async () => {
    await env.dispose();
    await rm(context, { recursive: true, force: true });
  });

  // A remote BuildKit has no Docker engine to load into: nothing to inspect there.
  it.skipIf(process.env["GRADER_DRIVER"] === "remote")(
    "reads config, labels and history of a loaded image",
    async () => {
      const result = await new BuildCommand(new Buildx(env)).run({
        label: "load",
        context,
        output: "load",
        tags: ["engine-images:test"],
        buildArgs: { LEVEL: "debug" },
        network: "none",
        timeoutMs: 120_000,
      });
      expect(result.ok, result.failure?.message).toBe(true);
      const config = await new EngineImages(env.dockerHost).config("engine-images:test");
      expect(config.architecture).toBe("amd64");
      expect(config.config?.Env).toContain("LOG_LEVEL=debug");
      expect(config.config?.Labels).toMatchObject({ "course.exercise": "engine-images" });
      expect(config.config?.Cmd).toEqual(["cat", "/built"]);
      const steps = (config.history ?? []).map((h) => h.created_by ?? "");
      expect(steps.some((s) => s.includes("RUN |1 LEVEL=debug /bin/sh -c echo built > /built"))).toBe(true);
      expect(config.rootfs?.diff_ids.length).toBeGreaterThan(1);
    },
  );
});
