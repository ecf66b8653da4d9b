import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { exec, baseEnv } from "../exec/exec.ts";
import { GraderError } from "../errors.ts";
import type { BuildEnvironment, DriverKind } from "./build-environment.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { startRunRegistry, type RunRegistry } from "./run-registry.ts";
import { proveRegistryReach } from "./registry-reach.ts";
import type { PortRange } from "./service-host.ts";

export interface BuildxBuilderOptions {
  /** The Docker engine the run's built images are started on (this machine's). */
  readonly dockerHost?: string;
  /**
   * Where the run's registry and services listen (GRADER_SERVICE_HOST): loopback by default,
   * an address of this machine a remote endpoint reaches otherwise.
   */
  readonly serviceHost?: string;
  /** The ports the run's registry may take there (GRADER_REGISTRY_PORTS). */
  readonly registryPorts?: PortRange | undefined;
}

/**
 * A buildx builder of the remote driver (an existing BuildKit daemon of a farm), created with
 * `docker buildx create` for one run and removed with `docker buildx rm` after it; isolation is
 * then the daemon owner's business, and the report says so.
 */
export async function createBuildxBuilder(
  options: BuildxBuilderOptions & { endpoint?: string } = {},
): Promise<BuildEnvironment> {
  const registry = await startRunRegistry(
    {
      serviceHost: options.serviceHost ?? "127.0.0.1",
      exposePort: () => Promise.resolve(),
      registryPorts: options.registryPorts,
    },
    // The run's images are started on this machine's engine, which pulls them from loopback.
    { loopbackAlias: true },
  );
  try {
    return await createBuilder(options, registry);
  } catch (error) {
    await registry.dispose();
    throw error;
  }
}

async function createBuilder(
  options: BuildxBuilderOptions & { endpoint?: string },
  registry: RunRegistry,
): Promise<BuildEnvironment> {
  const driver: DriverKind = "remote";
  const started = performance.now();
  const name = `grader-${randomBytes(4).toString("hex")}`;
  const dir = await mkdtemp(join(tmpdir(), "bkg-bx-"));
  const env = baseEnv(
    options.dockerHost
      ? { DOCKER_HOST: options.dockerHost, BUILDX_NO_DEFAULT_ATTESTATIONS: "1" }
      : { BUILDX_NO_DEFAULT_ATTESTATIONS: "1" },
  );
  // A remote daemon runs with its own configuration (buildx refuses to set one): it must
  // itself treat the run's registry as plain HTTP (README, "farm").
  if (!options.endpoint)
    throw new GraderError(
      "BUILDER_FAILED",
      "the remote driver needs an endpoint (GRADER_BUILDKIT_ENDPOINT=tcp://host:port)",
    );
  const args = ["buildx", "create", "--name", name, "--driver", driver, options.endpoint];
  // A remote daemon outlives the run and is one cache for whoever builds on it: emptied before
  // the run (a cold build must be cold) and after it (no learner's layers stay on the farm).
  const emptyRemote = ["buildx", "prune", "--all", "--force", "--builder", name];
  const dispose = registerDisposer(`buildx builder ${name}`, async () => {
    await exec("docker", emptyRemote, { env, reject: false, timeoutMs: 300_000 });
    await exec("docker", ["buildx", "rm", "--force", name], { env, reject: false, timeoutMs: 60_000 });
    await rm(dir, { recursive: true, force: true });
    await registry.dispose();
  });
  fallback(dispose, [
    { run: ["docker", ...emptyRemote], env },
    { run: ["docker", "buildx", "rm", "--force", name], env },
    { remove: dir },
  ]);
  const created = await exec("docker", args, { env, reject: false, timeoutMs: 180_000 });
  if (created.exitCode !== 0) {
    await dispose();
    throw new GraderError(
      "BUILDER_FAILED",
      `could not create the ${driver} builder: ${created.stderr.trim()}`,
      { hint: "Check GRADER_BUILDKIT_ENDPOINT" },
    );
  }
  {
    try {
      // Before the emptying below, so the probe leaves nothing in the daemon's cache.
      await proveRegistryReach({
        builder: name,
        env,
        endpoint: options.endpoint ?? "?",
        registry: registry.host,
        scratchDir: dir,
      });
    } catch (error) {
      await dispose();
      throw error;
    }
    const emptied = await exec("docker", emptyRemote, { env, reject: false, timeoutMs: 300_000 });
    if (emptied.exitCode !== 0) {
      await dispose();
      throw new GraderError(
        "BUILDER_FAILED",
        `could not empty the BuildKit endpoint ${options.endpoint ?? "?"} before the run: ${emptied.stderr.trim().split("\n").at(-1) ?? ""}`,
        {
          hint: "Check that the endpoint answers (docker buildx inspect --bootstrap) and GRADER_BUILDKIT_ENDPOINT(S)",
        },
      );
    }
  }
  return {
    id: name,
    driver,
    env,
    builder: name,
    dockerHost: options.dockerHost ?? process.env["DOCKER_HOST"] ?? "unix:///var/run/docker.sock",
    workDir: dir,
    registry,
    // A remote endpoint reaches the run's services where GRADER_SERVICE_HOST publishes them.
    serviceHost: options.serviceHost ?? "127.0.0.1",
    exposePort: () => Promise.resolve(),
    probeHost: "127.0.0.1",
    egressProxy: undefined,
    limits: undefined,
    setupMs: performance.now() - started,
    // A remote BuildKit is one daemon: a second builder on it would share its cache.
    freshBuilder: undefined,
    dispose,
  };
}
