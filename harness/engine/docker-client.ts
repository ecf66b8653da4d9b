import Docker from "dockerode";
import { EngineUnavailableError } from "../errors.ts";

export interface DockerEndpoint {
  readonly socketPath?: string;
  readonly protocol?: "http" | "https";
  readonly host?: string;
  readonly port?: number;
}

/**
 * Where a DOCKER_HOST points, as the Docker CLI reads it (pure): `unix:///path`, a bare path,
 * `tcp://host:port` (https when DOCKER_TLS_VERIFY is set, port 2376; else http, port 2375),
 * `http(s)://host:port`.
 */
export function dockerEndpoint(dockerHost: string, tls = false): DockerEndpoint {
  if (dockerHost.startsWith("unix://")) return { socketPath: dockerHost.slice("unix://".length) };
  if (dockerHost.startsWith("/")) return { socketPath: dockerHost };
  const match = /^(tcp|https?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(dockerHost);
  if (!match)
    throw new EngineUnavailableError(`DOCKER_HOST=${dockerHost} is not a unix socket or a tcp address`, {
      hint: "Use unix:///var/run/docker.sock or tcp://host:2375",
    });
  const scheme = match[1] ?? "tcp";
  const protocol = scheme === "https" || (scheme === "tcp" && tls) ? "https" : "http";
  const host = (match[2] ?? "").replace(/^\[|\]$/g, "");
  return { protocol, host, port: Number(match[3] ?? (protocol === "https" ? 2376 : 2375)) };
}

/** The one place a dockerode client is made, for unix and tcp engines alike. */
export function dockerClient(dockerHost: string, env: NodeJS.ProcessEnv = process.env): Docker {
  const tls = (env["DOCKER_TLS_VERIFY"] ?? "") !== "" && env["DOCKER_TLS_VERIFY"] !== "0";
  return new Docker(dockerEndpoint(dockerHost, tls));
}
