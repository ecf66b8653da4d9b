import type { RunLimits } from "../sandbox/run-limits.ts";
import type { RunRegistry } from "./run-registry.ts";

/**
 * The drivers a grading run can build on: an engine of its own (on a provisioned host, or in
 * the grader image anywhere else), or a BuildKit endpoint of a farm.
 */
export type DriverKind = "private-engine" | "remote";

/**
 * What a grading run builds with: an isolated builder that no other run shares, and the
 * environment the docker CLI needs to reach it. Created for one run, disposed after it.
 */
export interface BuildEnvironment {
  readonly id: string;
  readonly driver: DriverKind;
  /** Complete environment for docker/buildx calls: no host secrets, only what reaches the builder. */
  readonly env: Readonly<Record<string, string>>;
  /** `--builder` value, when the builder is not the endpoint's default one. */
  readonly builder: string | undefined;
  /** The Docker API endpoint images can be loaded into and containers run on. */
  readonly dockerHost: string;
  /** Scratch space for this run; removed with it. */
  readonly workDir: string;
  /** The run's own registry, where its builds push and its caches go. */
  readonly registry: RunRegistry;
  /** Where the run's own services (its registry, a private npm registry) listen for its builds. */
  readonly serviceHost: string;
  /** Lets the run's builds reach a service at serviceHost:port (no-op without a network of the run's own). */
  exposePort(port: number): Promise<void>;
  /** Where the grader reaches a container of this run that uses host networking. */
  readonly probeHost: string;
  /** The proxy RUN steps reach the package registry through, when the run has a network of its own. */
  readonly egressProxy: string | undefined;
  /** Kernel-enforced limits of the run (memory, processes, disk), when applied. */
  readonly limits: RunLimits | undefined;
  /** How long setting it up took, for the report. */
  readonly setupMs: number;
  /**
   * A second builder in the same run, as empty as a new CI runner's (no cache, no image), that
   * reaches the same registry and services; disposed with the run if not before. Undefined
   * where the driver cannot make one (a remote BuildKit).
   */
  readonly freshBuilder: (() => Promise<BuildEnvironment>) | undefined;
  /** Removes builder, engine, caches and scratch space. Safe to call twice. */
  dispose(): Promise<void>;
}
