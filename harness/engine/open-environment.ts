import { GraderError } from "../errors.ts";
import type { BuildEnvironment, DriverKind } from "./build-environment.ts";
import { createBuildxBuilder } from "./container-builder.ts";
import { startPrivateEngine } from "./private-engine.ts";
import { servicePublicationFromEnv, type PortRange, type ServicePublication } from "./service-host.ts";
import { limitsFromEnv, type LimitSettings } from "../sandbox/run-limits.ts";

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
 * configured, else an engine of the run's own. Where this machine cannot start one, the grading
 * runs in the grader image (grader-image/home.ts), which can.
 */
export function chooseDriver(choice: DriverChoice, facts: { endpoint: string | undefined }): DriverKind {
  if (choice !== "auto") return choice;
  return facts.endpoint ? "remote" : "private-engine";
}

export function driverFromEnv(): DriverChoice {
  const value = process.env["GRADER_DRIVER"] ?? "auto";
  if (value === "auto" || value === "private-engine" || value === "remote") return value;
  throw new GraderError(
    "BUILDER_FAILED",
    value === "docker-container"
      ? "GRADER_DRIVER=docker-container is no longer offered: without an engine of its own a run could not be isolated or limited"
      : `GRADER_DRIVER=${value} is not one of auto, private-engine, remote`,
    {
      hint: "Unset GRADER_DRIVER: where this machine cannot start the run's engines, grading runs in the grader image on your Docker engine",
    },
  );
}

export async function openEnvironment(request: EnvironmentRequest = {}): Promise<BuildEnvironment> {
  const endpoint = request.endpoint ?? process.env["GRADER_BUILDKIT_ENDPOINT"];
  const driver = request.endpoint ? "remote" : chooseDriver(request.driver ?? driverFromEnv(), { endpoint });
  if (driver === "private-engine") {
    return startPrivateEngine({
      mirror: request.mirror,
      insecureRegistries: request.insecureRegistries ?? [],
      egressHosts: request.egressHosts ?? [],
      archiveHosts: request.archiveHosts ?? [],
      limits: request.limits ?? limitsFromEnv(process.env),
    });
  }
  return createBuildxBuilder({
    ...publishedAt(request.publication ?? publicationFromEnv()),
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
