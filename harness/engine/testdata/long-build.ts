// A grading-like run to interrupt: a private engine and a build that sleeps, with the run's
// folder, registry and sandbox printed first and BUILDING once the long step runs.
import { rm } from "node:fs/promises";
import { BuildCommand } from "../../buildx/build-command.ts";
import { Buildx } from "../../buildx/buildx.ts";
import { fallback, registerDisposer } from "../../lifecycle/cleanup-registry.ts";
import { openEnvironment } from "../open-environment.ts";
import { MIRROR, writeContext } from "./engine-fixtures.ts";

export async function runLongBuild(): Promise<void> {
  const env = await openEnvironment({ mirror: MIRROR });
  const context = await writeContext("FROM busybox\nRUN sleep 300\n");
  // Like every resource of a run: removed on a signal, and by the reaper after a SIGKILL.
  const removeContext = registerDisposer(`context ${context}`, () => rm(context, { recursive: true, force: true }));
  fallback(removeContext, [{ remove: context }]);
  const info = { workDir: env.workDir, registry: env.registry.host, sandbox: env.limits?.cgroupParent.slice(1) };
  process.stdout.write(`${JSON.stringify(info)}\n`);
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
}
