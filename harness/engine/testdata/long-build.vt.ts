// Run by cleanup.int.test.ts through its own vitest config, as `npm test` runs the learner's
// grading: a private engine and a long build inside a vitest worker, to be interrupted.
import { rm } from "node:fs/promises";
import { it } from "vitest";
import { BuildCommand } from "../../buildx/build-command.ts";
import { Buildx } from "../../buildx/buildx.ts";
import { registerCleanup } from "../cleanup-registry.ts";
import { openEnvironment } from "../open-environment.ts";
import { MIRROR, writeContext } from "./engine-fixtures.ts";

it("builds for a long time", async () => {
  const env = await openEnvironment({ mirror: MIRROR });
  const context = await writeContext("FROM busybox\nRUN sleep 300\n");
  registerCleanup(`context ${context}`, () => rm(context, { recursive: true, force: true }));
  process.stdout.write(
    `${JSON.stringify({ workDir: env.workDir, registry: env.registry.host, sandbox: env.limits?.cgroupParent.slice(1) })}\n`,
  );
  await new BuildCommand(new Buildx(env)).run({
    label: "long",
    context,
    output: "cacheonly",
    network: "none",
    timeoutMs: 600_000,
    onStep: (s) => {
      if (s.name.includes("sleep") && s.state === "started") process.stdout.write("BUILDING\n");
    },
  });
}, 600_000);
