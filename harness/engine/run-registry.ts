import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnDaemon } from "../exec/daemon.ts";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { findExecutable } from "./host-tools.ts";
import { freePort, freePortIn } from "../util/free-port.ts";
import type { PortRange } from "./service-host.ts";
import { answers, waitUntil } from "../util/wait-until.ts";
import { startTcpForwarder, type TcpForwarder } from "../util/tcp-forwarder.ts";
import { startRegistryFront } from "./registry-front.ts";

/** A private OCI registry that lives only for one grading run, where its builds reach it. */
export interface RunRegistry {
  /** host:port, e.g. 10.213.3.1:41234 */
  readonly host: string;
  dispose(): Promise<void>;
}

/** Where a run's service listens: the host's end of the run's network, or loopback. */
export interface ServicePlace {
  readonly serviceHost: string;
  exposePort(port: number): Promise<void>;
  /** The ports the run's registry may take (GRADER_REGISTRY_PORTS); any free one if unset. */
  readonly registryPorts?: PortRange | undefined;
}
const LOOPBACK: ServicePlace = { serviceHost: "127.0.0.1", exposePort: () => Promise.resolve() };

// The registries this process started and has not stopped: they serve plain HTTP, wherever they
// listen (loopback, a run's link, or GRADER_SERVICE_HOST for a farm). Each maps to the loopback
// alias this machine's own engine pulls it through, when it has one.
const running = new Map<string, string | undefined>();

/** Whether `host` (host:port) is a run registry this process started: plain HTTP, no auth. */
export function isRunRegistry(host: string): boolean {
  return running.has(host);
}

/**
 * `ref` as this machine's Docker engine can pull it: a run registry published for a farm
 * (GRADER_SERVICE_HOST) is reached through its loopback alias, which the engine takes as plain
 * HTTP; any other reference is returned as it is.
 */
export function localImageRef(ref: string): string {
  const slash = ref.indexOf("/");
  const alias = slash > 0 ? running.get(ref.slice(0, slash)) : undefined;
  return alias ? `${alias}${ref.slice(slash)}` : ref;
}

/**
 * `loopbackAlias`: when the registry listens elsewhere than loopback, also forward a loopback
 * port to it, for this machine's engine (a remote builder's runs start their images there).
 */
export async function startRunRegistry(
  place: ServicePlace = LOOPBACK,
  options: { loopbackAlias?: boolean } = {},
): Promise<RunRegistry> {
  const binary = findExecutable("docker-registry") ?? findExecutable("registry");
  if (!binary)
    throw new EngineUnavailableError(
      "no registry server (docker-registry) was found for the run's private registry",
    );
  const range = place.registryPorts;
  // A port of a range was free when looked at, but another run may take it before the registry
  // does: then another port is tried.
  const attempts = range ? 3 : 1;
  let tried = "";
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = range ? await freePortIn(place.serviceHost, range) : await freePort(place.serviceHost);
    if (port === undefined)
      throw new GraderError(
        "ENGINE_START_FAILED",
        `no free port from ${String(range?.low)} to ${String(range?.high)} on ${place.serviceHost} for the run's registry`,
        { hint: "Widen GRADER_REGISTRY_PORTS, or grade fewer at once" },
      );
    tried = `${place.serviceHost}:${port}`;
    const registry = await launch(binary, place, port, options);
    if (registry) return registry;
  }
  throw new GraderError("ENGINE_START_FAILED", `the run's registry did not start on ${tried}`);
}

/** One registry on `port`, or undefined if it did not start (its port taken meanwhile). */
async function launch(
  binary: string,
  place: ServicePlace,
  port: number,
  options: { loopbackAlias?: boolean },
): Promise<RunRegistry | undefined> {
  // The registry itself listens on a loopback port of its own; every client is given the
  // front's address, which keeps reads of a tag from meeting its rewrite.
  const innerPort = await freePort("127.0.0.1");
  const dir = await mkdtemp(join(tmpdir(), "bkg-reg-"));
  const host = `${place.serviceHost}:${port}`;
  await writeFile(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: error, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${String(innerPort)} }`,
      "",
    ].join("\n"),
  );
  // Started last before the registry, so nothing that can fail is left between it and the
  // disposer that closes it.
  const front = await startRegistryFront(place.serviceHost, port, innerPort);
  if (!front) {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  const daemon = spawnDaemon(binary, ["serve", join(dir, "config.yml")], {
    env: { PATH: "/usr/bin:/bin" },
    logFile: join(dir, "registry.log"),
  });
  let alias: TcpForwarder | undefined;
  const dispose = registerDisposer(`registry ${host}`, async () => {
    running.delete(host);
    await alias?.close();
    await front.close();
    await daemon.stop(5000);
    await rm(dir, { recursive: true, force: true });
  });
  fallback(dispose, [{ kill: daemon.pid }, { remove: dir }]);
  if (
    await waitUntil(() => answers(`http://${host}/v2/`), {
      timeoutMs: 15_000,
      intervalMs: 50,
      gaveUp: () => daemon.hasExited(),
    })
  ) {
    try {
      await place.exposePort(port);
      if (options.loopbackAlias && !place.serviceHost.startsWith("127."))
        alias = await startTcpForwarder("127.0.0.1", host);
    } catch (error) {
      await dispose();
      throw error;
    }
    running.set(host, alias?.address);
    return { host, dispose };
  }
  await dispose();
  return undefined;
}
