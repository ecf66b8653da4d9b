// Started by cleanup.int.test.ts: opens a private engine, starts a long build, and prints the
// engine's folder so the test can send SIGINT and then look for leftovers.
import { BuildCommand } from "../../buildx/build-command.ts";
import { Buildx } from "../../buildx/buildx.ts";
import { rm } from "node:fs/promises";
import { openEnvironment } from "../open-environment.ts";
import { registerCleanup } from "../cleanup-registry.ts";
import { MIRROR, writeContext } from "./engine-fixtures.ts";

const env = await openEnvironment({ mirror: MIRROR });
const registry = env.registry;
const context = await writeContext("FROM busybox\nRUN sleep 300\n");
registerCleanup(`context ${context}`, () => rm(context, { recursive: true, force: true }));
process.stdout.write(
  `${JSON.stringify({ workDir: env.workDir, registry: registry.host, sandbox: env.limits?.cgroupParent.slice(1) })}\n`,
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
