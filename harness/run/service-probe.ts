import { localImageRef } from "../engine/run-registry.ts";
import type Docker from "dockerode";
import { dockerClient } from "../engine/docker-client.ts";
import { errorMessage } from "../errors.ts";
import { freePort } from "../util/free-port.ts";
import { waitUntil } from "../util/wait-until.ts";

/** What happened when one platform's image was started and its health endpoint asked. */
export interface ProbeResult {
  readonly platform: string;
  readonly healthy: boolean;
  /** HTTP status and body of the last answer, or why there was none. */
  readonly detail: string;
  /** The last answer's body, up to 4 KiB ("" when there was none). */
  readonly body: string;
  readonly startMs: number;
  readonly logsTail: string;
}

export interface ProbeRequest {
  readonly image: string;
  readonly platform: string;
  readonly path: string;
  /** The service reads its port from this variable (host networking: ports must not collide). */
  readonly portVariable: string;
  /** Other variables the container starts with (the port variable wins). */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * Starts an image on the run's engine (through the Docker API, with dockerode), waits for its
 * health endpoint, and always removes the container. A foreign platform runs under QEMU via
 * binfmt. Host networking, because the run's engine has no bridge; the port is chosen free.
 */
export class ServiceProbe {
  private readonly docker: Docker;

  private readonly probeHost: string;

  /** Ports of this probe's containers still running: probes at once must not share one. */
  private readonly portsInUse = new Set<number>();

  /** `probeHost`: where containers with host networking are reached (the run's namespace). */
  constructor(dockerHost: string, probeHost = "127.0.0.1") {
    this.docker = dockerClient(dockerHost);
    this.probeHost = probeHost;
  }

  async pull(image: string, platform: string): Promise<void> {
    const stream = await this.docker.pull(image, { platform });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (error: Error | null) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }

  async probe(request: ProbeRequest): Promise<ProbeResult> {
    const started = performance.now();
    let port = await freePort();
    while (this.portsInUse.has(port)) port = await freePort();
    this.portsInUse.add(port);
    let container: Docker.Container | undefined;
    let detail = "not started";
    let body = "";
    let healthy: boolean;
    // A farm's run registry is published elsewhere; this engine pulls it from loopback.
    const image = localImageRef(request.image);
    // An engine may outlive the run (the host's, under the remote and docker-container drivers):
    // it keeps no learner's image the probe pulled, and loses none it already had.
    const had = await this.docker
      .getImage(image)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    try {
      await this.pull(image, request.platform);
      const created = await this.docker.createContainer({
        Image: image,
        platform: request.platform,
        Env: [
          ...Object.entries(request.env ?? {})
            .filter(([k]) => k !== request.portVariable)
            .map(([k, v]) => `${k}=${v}`),
          `${request.portVariable}=${port}`,
        ],
        HostConfig: { NetworkMode: "host", AutoRemove: false, Memory: 256 * 1024 * 1024, PidsLimit: 256 },
      });
      container = created;
      await created.start();
      let exited = false;
      healthy = await waitUntil(
        async () => {
          const state = (await created.inspect()).State;
          if (!state.Running) {
            detail = `the container exited with code ${state.ExitCode}`;
            exited = true;
            return false;
          }
          try {
            // The learner's own service answers, or nothing does: a redirect (to a host
            // service, say) is its answer, never followed.
            const response = await fetch(`http://${this.probeHost}:${port}${request.path}`, {
              signal: AbortSignal.timeout(2000),
              redirect: "manual",
            });
            body = (await response.text()).slice(0, 4096);
            detail = `HTTP ${response.status}: ${body.trim().slice(0, 200)}`;
            return response.ok;
          } catch (error) {
            detail = `no answer on port ${port}: ${errorMessage(error)}`;
            return false;
          }
        },
        { timeoutMs: request.timeoutMs, intervalMs: 250, gaveUp: () => exited },
      );
      const logsTail = await containerLogs(container);
      return {
        platform: request.platform,
        healthy,
        detail,
        body,
        startMs: performance.now() - started,
        logsTail,
      };
    } catch (error) {
      return {
        platform: request.platform,
        healthy: false,
        detail: errorMessage(error),
        body,
        startMs: performance.now() - started,
        logsTail: container ? await containerLogs(container) : "",
      };
    } finally {
      await container?.remove({ force: true }).catch(() => undefined);
      this.portsInUse.delete(port);
      if (!had)
        await this.docker
          .getImage(image)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
}

async function containerLogs(container: Docker.Container): Promise<string> {
  try {
    const buffer = await container.logs({ stdout: true, stderr: true, tail: 20 });
    // Multiplexed stream frames: 8-byte headers before each chunk.
    return demux(buffer).trim();
  } catch {
    return "";
  }
}

function demux(buffer: Buffer): string {
  const parts: string[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size).toString("utf8"));
    offset += 8 + size;
  }
  return parts.length > 0 ? parts.join("") : buffer.toString("utf8");
}
