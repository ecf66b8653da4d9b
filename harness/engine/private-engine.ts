import { mkdtemp, rm, writeFile, mkdir, symlink, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exec, baseEnv } from "../exec/exec.ts";
import { spawnDaemon, isAlive, killPid, type Daemon } from "../exec/daemon.ts";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import type { BuildEnvironment } from "./build-environment.ts";
import { registerDisposer } from "./cleanup-registry.ts";
import { findBuildxPlugin, findExecutable, searchPath } from "./host-tools.ts";

export interface PrivateEngineOptions {
  /** Docker Hub mirror (the seeded loopback registry), if any. */
  readonly mirror?: string | undefined;
  /** Registries reached over plain HTTP (the run's own registry). */
  readonly insecureRegistries?: readonly string[];
  readonly startTimeoutMs?: number;
}

/**
 * A dockerd of its own for one grading run: own data-root, exec-root, socket, containerd and
 * BuildKit, so no cache, cache mount or image is shared with any other run. Where no builder
 * image can be pulled this is how runs are isolated. It has no bridge: RUN steps get
 * `--network none`, or `--network host` when an exercise needs a package registry.
 */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<BuildEnvironment> {
  const started = performance.now();
  const dockerd = findExecutable("dockerd");
  if (!dockerd)
    throw new EngineUnavailableError("dockerd was not found (needed for a private engine per grading run)");
  const buildx = findBuildxPlugin();
  if (!buildx) throw new EngineUnavailableError("the docker buildx plugin was not found");

  // Short path: the socket's path must stay under the 108-byte limit.
  const dir = await mkdtemp(join(tmpdir(), "bkg-"));
  const config = join(dir, "config");
  await mkdir(join(config, "cli-plugins"), { recursive: true });
  await symlink(buildx, join(config, "cli-plugins/docker-buildx"));
  const socket = join(dir, "docker.sock");
  const daemonJson = {
    features: { "containerd-snapshotter": true },
    "data-root": join(dir, "data"),
    "exec-root": join(dir, "exec"),
    pidfile: join(dir, "docker.pid"),
    hosts: [`unix://${socket}`],
    bridge: "none",
    iptables: false,
    ip6tables: false,
    "ip-forward": false,
    "ip-masq": false,
    "registry-mirrors": options.mirror ? [options.mirror] : [],
    "insecure-registries": [
      ...(options.mirror ? [new URL(options.mirror).host] : []),
      ...(options.insecureRegistries ?? []),
    ],
  };
  await writeFile(join(dir, "daemon.json"), JSON.stringify(daemonJson, null, 2));

  const env = baseEnv({
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: config,
    BUILDX_NO_DEFAULT_ATTESTATIONS: "1",
  });
  let daemon: Daemon | undefined;
  const dispose = registerDisposer(`private engine ${dir}`, async () => {
    const containerdPid = await readPid(join(dir, "exec/containerd/containerd.pid"));
    await daemon?.stop();
    // dockerd stops its managed containerd on a clean exit; after a SIGKILL it may not have.
    if (containerdPid !== undefined && isAlive(containerdPid)) killPid(containerdPid);
    await unmountUnder(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  try {
    daemon = spawnDaemon(dockerd, ["--config-file", join(dir, "daemon.json")], {
      env: { PATH: searchPath(), HOME: dir },
      logFile: join(dir, "dockerd.log"),
    });
    await waitForEngine(env, daemon, options.startTimeoutMs ?? 60_000, join(dir, "dockerd.log"));
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    id: dir.slice(-6),
    driver: "private-engine",
    env,
    builder: undefined,
    dockerHost: `unix://${socket}`,
    loadsImages: true,
    workDir: dir,
    setupMs: performance.now() - started,
    dispose,
  };
}

async function waitForEngine(
  env: Readonly<Record<string, string>>,
  daemon: Daemon,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (daemon.hasExited()) {
      const log = await readFile(logFile, "utf8").catch(() => "");
      throw new GraderError(
        "ENGINE_START_FAILED",
        `dockerd exited while starting: ${log.trim().split("\n").slice(-3).join(" | ")}`,
        {
          hint: "Check that runc and containerd are installed (sudo bash harness/engine/provision.sh)",
        },
      );
    }
    const probe = await exec("docker", ["version", "--format", "{{.Server.Version}}"], {
      env,
      reject: false,
      timeoutMs: 5000,
    });
    if (probe.exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new GraderError(
    "ENGINE_START_FAILED",
    `dockerd did not answer within ${timeoutMs / 1000}s; see ${logFile}`,
  );
}

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, "utf8").catch(() => "");
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Lazily unmounts whatever the engine left mounted under `dir` (overlays, netns, shm). */
async function unmountUnder(dir: string): Promise<void> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await exec("umount", ["-l", point], { reject: false, timeoutMs: 10_000 });
}
