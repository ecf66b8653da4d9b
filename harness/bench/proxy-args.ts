import type { BuildEnvironment } from "../engine/build-environment.ts";

/** The run's proxy as build arguments, as the grader's builds get it: its only way to a package registry. */
export function proxyBuildArgs(env: BuildEnvironment): string[] {
  const proxy = env.egressProxy ?? "";
  return ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"].flatMap((k) => [
    "--build-arg",
    `${k}=${proxy}`,
  ]);
}
