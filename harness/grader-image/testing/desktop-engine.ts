import { chmod } from "node:fs/promises";
import { dirname } from "node:path";
import { exec } from "../../exec/exec.ts";
import type { BuildEnvironment } from "../../engine/build-environment.ts";
import { startPrivateEngine } from "../../engine/private-engine.ts";
import { startReadOnlyProxy, type ReadOnlyProxy } from "../../sandbox/mirror-proxy.ts";

/** The machine's base-image mirror, which stands in for Docker Hub. */
const HUB = "http://127.0.0.1:5000";
const GIB = 1024 ** 3;

/**
 * Docker Desktop as the grader meets it: an engine in a VM of its own, here a dockerd in a
 * network namespace of its own, reached through a unix socket. The learner's process and the
 * engine share no loopback: a port the engine's containers listen on is not the learner's
 * 127.0.0.1, and the learner's loopback services are not the engine's. "Docker Hub" is the
 * machine's mirror seen from the VM through a counted, read-only proxy; the VM reaches the npm
 * registry only through an allow-list proxy, named in the learner's Docker config as a
 * company's proxy would be (the grader image's npm ci needs it).
 */
export interface DesktopEngine {
  readonly dockerHost: string;
  /** Docker Hub as the VM reaches it. */
  readonly hubUpstream: string;
  /** The proxy the learner's Docker config names for builds. */
  readonly buildProxy: string;
  /** Requests that reached "Docker Hub" since the last reset. */
  upstreamRequests(): readonly string[];
  resetCount(): void;
  dispose(): Promise<void>;
}

export async function desktopEngine(): Promise<DesktopEngine> {
  const engine: BuildEnvironment = await startPrivateEngine({
    mirror: HUB,
    egressHosts: ["registry.npmjs.org"],
    limits: { memoryBytes: 16 * GIB, pids: 32_768, diskBytes: 60 * GIB },
  });
  let hub: ReadOnlyProxy | undefined;
  try {
    const socket = engine.dockerHost.slice("unix://".length);
    // The learner (docker group) reaches the socket, as Docker Desktop's users reach theirs.
    await chmod(dirname(socket), 0o711);
    await exec("chgrp", ["docker", socket], { timeoutMs: 10_000 });
    await chmod(socket, 0o660);
    let requests: string[] = [];
    hub = await startReadOnlyProxy(engine.serviceHost, HUB, {
      onAnswer: (method, path, status) => {
        requests.push(`${method} ${path} ${String(status)}`);
      },
    });
    await engine.exposePort(hub.port);
    const proxy = engine.egressProxy;
    if (!proxy) throw new Error("the stand-in engine has no egress proxy");
    const upstream = hub;
    return {
      dockerHost: engine.dockerHost,
      hubUpstream: `http://${upstream.address}`,
      buildProxy: proxy,
      upstreamRequests: () => requests,
      resetCount: () => {
        requests = [];
      },
      dispose: async () => {
        await upstream.close();
        await engine.dispose();
      },
    };
  } catch (error) {
    await hub?.close();
    await engine.dispose();
    throw error;
  }
}
