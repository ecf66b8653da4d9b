import type { BuildEnvironment } from "../engine/build-environment.ts";

/**
 * The run's egress proxy as build arguments, for builds whose RUN steps use the run's network:
 * package managers (npm, curl, pip...) use these variables, and BuildKit hands them to every RUN
 * step without writing them into the image's history. The run's own services (its private
 * registries, its Git server) are reached directly. Empty where the run has no proxy.
 */
export function proxyBuildArgs(environment: Pick<BuildEnvironment, "egressProxy" | "serviceHost">): string[] {
  const proxy = environment.egressProxy;
  if (!proxy) return [];
  const values = {
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
    NO_PROXY: `${environment.serviceHost},localhost,127.0.0.1`,
  };
  return Object.entries(values).flatMap(([k, v]) => [
    "--build-arg",
    `${k}=${v}`,
    "--build-arg",
    `${k.toLowerCase()}=${v}`,
  ]);
}
