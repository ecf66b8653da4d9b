import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, delimiter } from "node:path";

/** Where provision.sh installs the engine; an existing Docker installation needs none of it. */
export const ENGINE_PREFIX = process.env["GRADER_ENGINE_PREFIX"] ?? "/opt/bk-grader";

export function searchPath(): string {
  const extra = [
    join(ENGINE_PREFIX, "usr/sbin"),
    join(ENGINE_PREFIX, "usr/bin"),
    "/usr/local/sbin",
    "/usr/sbin",
    "/sbin",
  ];
  return [process.env["PATH"] ?? "/usr/bin:/bin", ...extra].join(delimiter);
}

export function findExecutable(name: string): string | undefined {
  for (const dir of searchPath().split(delimiter)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The buildx CLI plugin, wherever the docker client would find it. */
export function findBuildxPlugin(): string | undefined {
  const candidates = [
    process.env["DOCKER_CONFIG"]
      ? join(process.env["DOCKER_CONFIG"], "cli-plugins/docker-buildx")
      : undefined,
    join(homedir(), ".docker/cli-plugins/docker-buildx"),
    "/usr/local/lib/docker/cli-plugins/docker-buildx",
    "/usr/local/libexec/docker/cli-plugins/docker-buildx",
    "/usr/lib/docker/cli-plugins/docker-buildx",
    "/usr/libexec/docker/cli-plugins/docker-buildx",
    join(ENGINE_PREFIX, "usr/libexec/docker/cli-plugins/docker-buildx"),
  ];
  return candidates.find((c): c is string => c !== undefined && existsSync(c));
}
