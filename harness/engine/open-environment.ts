import { GraderError, EngineUnavailableError } from "../errors.ts";
import { exec, baseEnv } from "../exec/exec.ts";
import type { BuildEnvironment, DriverKind } from "./build-environment.ts";
import { createBuildxBuilder } from "./container-builder.ts";
import { findExecutable } from "./host-tools.ts";
import { startPrivateEngine } from "./private-engine.ts";
import { servicePublicationFromEnv, type PortRange, type ServicePublication } from "./service-host.ts";
import { limitsFromEnv, type LimitSettings } from "../sandbox/run-limits.ts";
import { answers } from "../util/wait-until.ts";

export type DriverChoice = DriverKind | "auto";

export interface EnvironmentRequest {
  readonly driver?: DriverChoice;
  readonly insecureRegistries?: readonly string[];
  readonly mirror?: string | undefined;
  /** Hosts RUN steps may reach over HTTPS (an exercise's package registry). */
  readonly egressHosts?: readonly string[];
  /** Hosts RUN steps may read over plain HTTP (Debian's archive, signed content). */
  readonly archiveHosts?: readonly string[];
  /** The run's limits; by default the GRADER_LIMIT_* variables, else DEFAULT_LIMITS. */
  readonly limits?: LimitSettings;
  /** A BuildKit endpoint to build on (a farm's): the remote driver, whatever GRADER_DRIVER says. */
  readonly endpoint?: string;
  /**
   * Where a remote endpoint reaches the run's registry and services, and the registry's ports;
   * by default GRADER_SERVICE_HOST and GRADER_REGISTRY_PORTS.
   */
  readonly publication?: ServicePublication;
}

/**
 * Picks the driver: GRADER_DRIVER (or the request) wins; otherwise a remote endpoint if one is
 * configured, a private engine where dockerd can be started (root, as on CI here), else the
 * docker-container driver on the existing Docker engine.
 */
export function chooseDriver(
  choice: DriverChoice,
  facts: { endpoint: string | undefined; canStartDockerd: boolean },
): DriverKind {
  if (choice !== "auto") return choice;
  if (facts.endpoint) return "remote";
  if (facts.canStartDockerd) return "private-engine";
  return "docker-container";
}

export function driverFromEnv(): DriverChoice {
  const value = process.env["GRADER_DRIVER"] ?? "auto";
  if (value === "auto" || value === "private-engine" || value === "docker-container" || value === "remote")
    return value;
  throw new GraderError(
    "BUILDER_FAILED",
    `GRADER_DRIVER=${value} is not one of auto, private-engine, docker-container, remote`,
  );
}

export async function openEnvironment(request: EnvironmentRequest = {}): Promise<BuildEnvironment> {
  const endpoint = request.endpoint ?? process.env["GRADER_BUILDKIT_ENDPOINT"];
  const canStartDockerd =
    process.getuid?.() === 0 &&
    findExecutable("dockerd") !== undefined &&
    findExecutable("containerd") !== undefined;
  const driver = request.endpoint
    ? "remote"
    : chooseDriver(request.driver ?? driverFromEnv(), { endpoint, canStartDockerd });
  if (driver === "private-engine") {
    return startPrivateEngine({
      mirror: request.mirror,
      insecureRegistries: request.insecureRegistries ?? [],
      egressHosts: request.egressHosts ?? [],
      archiveHosts: request.archiveHosts ?? [],
      limits: request.limits ?? limitsFromEnv(process.env),
    });
  }
  const ping = await exec("docker", ["version", "--format", "{{.Server.Version}}"], {
    env: baseEnv(hostDockerEnv()),
    reject: false,
    timeoutMs: 10_000,
  });
  if (ping.exitCode !== 0 && driver === "docker-container") {
    throw new EngineUnavailableError(
      `no Docker engine answers (${ping.stderr.trim().split("\n")[0] ?? "docker version failed"})`,
    );
  }
  return createBuildxBuilder(driver, {
    insecureRegistries: request.insecureRegistries ?? [],
    mirror: request.mirror,
    ...(driver === "remote" ? publishedAt(request.publication ?? publicationFromEnv()) : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(process.env["DOCKER_HOST"] ? { dockerHost: process.env["DOCKER_HOST"] } : {}),
  });
}

function publicationFromEnv(): ServicePublication {
  const parsed = servicePublicationFromEnv();
  if (parsed.ok) return parsed.publication;
  throw new GraderError("BUILDER_FAILED", parsed.message, {
    hint: "Set GRADER_SERVICE_HOST to an IPv4 address of this machine that the BuildKit endpoints reach",
  });
}

function publishedAt(publication: ServicePublication): { serviceHost: string; registryPorts?: PortRange } {
  return {
    serviceHost: publication.host,
    ...(publication.registryPorts ? { registryPorts: publication.registryPorts } : {}),
  };
}

function hostDockerEnv(): Record<string, string> {
  return process.env["DOCKER_HOST"] ? { DOCKER_HOST: process.env["DOCKER_HOST"] } : {};
}

/** The seeded Docker Hub mirror on loopback, when it answers (GRADER_MIRROR overrides; "none" disables). */
export async function detectMirror(): Promise<string | undefined> {
  const configured = process.env["GRADER_MIRROR"];
  if (configured === "none") return undefined;
  const candidate = configured ?? "http://127.0.0.1:5000";
  return (await answers(new URL("/v2/", candidate).href)) ? candidate : undefined;
}
