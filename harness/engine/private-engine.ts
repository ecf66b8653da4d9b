import { mkdtemp, rm, writeFile, mkdir, symlink, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baseEnv } from "../exec/exec.ts";
import { spawnDaemon, type Daemon } from "../exec/daemon.ts";
import { EngineUnavailableError, GraderError } from "../errors.ts";
import { answersOnSocket, waitUntil } from "../util/wait-until.ts";
import type { BuildEnvironment } from "./build-environment.ts";
import { unmountUnder } from "../lifecycle/unmount.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { startRunRegistry, type RunRegistry } from "./run-registry.ts";
import { findBuildxPlugin, findExecutable, searchPath } from "./host-tools.ts";
import { startEgressProxy } from "../sandbox/egress-proxy.ts";
import { startReadOnlyProxy, type ReadOnlyProxy } from "../sandbox/mirror-proxy.ts";
import { applyRunLimits, DEFAULT_LIMITS, type LimitSettings, type RunLimits } from "../sandbox/run-limits.ts";
import { createRunNetwork, type RunNetwork } from "../sandbox/run-network.ts";

export interface PrivateEngineOptions {
  /** Docker Hub mirror (the seeded loopback registry), if any: the run sees it read-only. */
  readonly mirror?: string | undefined;
  /** Registries reached over plain HTTP besides the run's own. */
  readonly insecureRegistries?: readonly string[];
  /** Hosts RUN steps may reach over HTTPS (the package registry); none by default. */
  readonly egressHosts?: readonly string[];
  /** Hosts RUN steps may read (GET, HEAD) over plain HTTP: Debian's archive, whose content apt verifies. */
  readonly archiveHosts?: readonly string[];
  readonly limits?: LimitSettings;
  readonly startTimeoutMs?: number;
}

/**
 * A dockerd of its own for one grading run: own data-root, exec-root, socket, containerd and
 * BuildKit, so no cache, cache mount or image is shared with any other run. It runs in the
 * run's own network namespace (see run-network.ts), with its builds and containers under the
 * run's cgroup and its data on a file system of fixed size (run-limits.ts). It has no bridge:
 * RUN steps get `--network none`, or `--network host` (the run's namespace, whose only way out
 * is the package proxy) when an exercise needs a package registry.
 */
export async function startPrivateEngine(options: PrivateEngineOptions = {}): Promise<BuildEnvironment> {
  const started = performance.now();
  const dockerd = findExecutable("dockerd");
  if (!dockerd)
    throw new EngineUnavailableError("dockerd was not found (needed for a private engine per grading run)");
  const containerd = findExecutable("containerd");
  if (!containerd) throw new EngineUnavailableError("containerd was not found (dockerd needs it)");
  const buildx = findBuildxPlugin();
  if (!buildx) throw new EngineUnavailableError("the docker buildx plugin was not found");

  const nsenter = findExecutable("nsenter");
  if (!nsenter) throw new EngineUnavailableError("nsenter (util-linux) was not found");

  // Short path: the socket's path must stay under the 108-byte limit.
  const dir = await mkdtemp(join(tmpdir(), "bkg-"));
  const config = join(dir, "config");
  const socket = join(dir, "docker.sock");
  const env = baseEnv({
    DOCKER_HOST: `unix://${socket}`,
    DOCKER_CONFIG: config,
    BUILDX_NO_DEFAULT_ATTESTATIONS: "1",
  });
  let network: RunNetwork | undefined;
  let limits: RunLimits | undefined;
  let registry: RunRegistry | undefined;
  const proxies: ReadOnlyProxy[] = [];
  // Registered first, so on a signal it runs last: the engine goes before its network.
  const disposeSandbox = registerDisposer(`sandbox ${dir}`, async () => {
    await registry?.dispose();
    for (const p of proxies) await p.close();
    await limits?.dispose();
    await network?.dispose();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  fallback(disposeSandbox, [{ remove: dir }]);
  // Until the engine starts, undoing the setup is the sandbox's disposal alone.
  let dispose = disposeSandbox;
  let egressProxy: string | undefined;
  let daemonSettings: DaemonSettings | undefined;
  const runnerDisposers: (() => Promise<void>)[] = [];
  try {
    await mkdir(join(config, "cli-plugins"), { recursive: true });
    await symlink(buildx, join(config, "cli-plugins/docker-buildx"));
    network = await createRunNetwork();
    const net = network;
    limits = await applyRunLimits(net.name, dir, options.limits ?? DEFAULT_LIMITS);
    let mirror: string | undefined;
    if (options.mirror) {
      const proxy = await startReadOnlyProxy(net.hostAddress, options.mirror);
      proxies.push(proxy);
      await net.openPort(proxy.port);
      mirror = `http://${proxy.address}`;
    }
    if (options.egressHosts && options.egressHosts.length > 0) {
      const proxy = await startEgressProxy(net.hostAddress, options.egressHosts, options.archiveHosts ?? []);
      proxies.push(proxy);
      await net.openPort(proxy.port);
      egressProxy = `http://${proxy.address}`;
    }
    registry = await startRunRegistry({
      serviceHost: net.hostAddress,
      exposePort: (port) => net.openPort(port),
    });
    const settings: DaemonSettings = {
      dir,
      nsenter,
      dockerd,
      containerd,
      netPath: net.path,
      cgroupParent: limits.cgroupParent,
      mirror,
      insecureRegistries: [registry.host, ...(options.insecureRegistries ?? [])],
      startTimeoutMs: options.startTimeoutMs ?? 60_000,
      disposeSandbox,
    };
    daemonSettings = settings;
    // Registered after the network, limits and registry, so that on a signal (newest first)
    // dockerd stops before the namespace, cgroups and file system it uses are taken away.
    const engine = await startEngineDaemon(settings, {
      name: "engine",
      dataRoot: limits.dataRoot,
      socket,
      unmount: [dir],
    });
    // Runners made later go first: the run's engine and sandbox outlive them.
    dispose = async () => {
      for (const runner of runnerDisposers.splice(0).reverse()) await runner();
      await engine.dispose();
    };
  } catch (error) {
    await dispose();
    throw error;
  }
  const net = network;
  const runRegistry = registry;
  const limitsOf = limits;
  let runners = 0;
  /** One engine of the run as a BuildEnvironment: its own socket, the run's sandbox and services. */
  const environment = (own: {
    id: string;
    env: Readonly<Record<string, string>>;
    socket: string;
    setupMs: number;
    dispose: () => Promise<void>;
  }): BuildEnvironment => ({
    id: own.id,
    driver: "private-engine",
    env: own.env,
    builder: undefined,
    dockerHost: `unix://${own.socket}`,
    workDir: dir,
    registry: runRegistry,
    serviceHost: net.hostAddress,
    exposePort: (port) => net.openPort(port),
    probeHost: net.runAddress,
    egressProxy,
    limits,
    setupMs: own.setupMs,
    freshBuilder: () => freshEngine(),
    dispose: own.dispose,
  });
  return environment({ id: dir.slice(-6), env, socket, setupMs: performance.now() - started, dispose });

  // Another dockerd in the same namespace, cgroup and disk: empty, yet reaching the run's
  // registry and proxies. Disposed on its own, or (registered later) before the first engine.
  async function freshEngine(): Promise<BuildEnvironment> {
    const settings = daemonSettings;
    if (!settings) throw new GraderError("BUILDER_FAILED", "the run's engine is not running");
    const begun = performance.now();
    runners += 1;
    const name = `runner-${runners}`;
    const runnerSocket = join(dir, `r${runners}.sock`);
    const runnerConfig = join(dir, `config-${runners}`);
    await mkdir(join(runnerConfig, "cli-plugins"), { recursive: true });
    await symlink(join(config, "cli-plugins/docker-buildx"), join(runnerConfig, "cli-plugins/docker-buildx"));
    const runnerEnv = baseEnv({
      DOCKER_HOST: `unix://${runnerSocket}`,
      DOCKER_CONFIG: runnerConfig,
      BUILDX_NO_DEFAULT_ATTESTATIONS: "1",
    });
    const runner = await startEngineDaemon(
      { ...settings, disposeSandbox: () => Promise.resolve() },
      {
        name,
        dataRoot: join(limitsOf.dataRoot, name),
        socket: runnerSocket,
        unmount: [join(limitsOf.dataRoot, name), join(dir, `exec-${name}`)],
      },
    );
    runnerDisposers.push(runner.dispose);
    return environment({
      id: `${dir.slice(-6)}-${name}`,
      env: runnerEnv,
      socket: runnerSocket,
      setupMs: performance.now() - begun,
      dispose: runner.dispose,
    });
  }
}

interface DaemonSettings {
  readonly dir: string;
  readonly nsenter: string;
  readonly dockerd: string;
  readonly containerd: string;
  readonly netPath: string;
  readonly cgroupParent: string;
  readonly mirror: string | undefined;
  readonly insecureRegistries: readonly string[];
  readonly startTimeoutMs: number;
  /** What else goes when this daemon does (the sandbox, for the run's first engine). */
  readonly disposeSandbox: () => Promise<void>;
}

/**
 * Starts one dockerd of the run (its own data root, exec root, socket and containerd) and waits
 * for it. Its containerd is started first, serving before dockerd asks: a dockerd that starts its
 * own gets no answer at its first try and then waits out gRPC's one-second backoff, and on its way
 * out sleeps another second before it sees that containerd has stopped.
 */
async function startEngineDaemon(
  settings: DaemonSettings,
  own: {
    name: string;
    dataRoot: string;
    socket: string;
    /** Where its mounts live (all of the run's folder, for the run's first engine). */
    unmount: readonly string[];
  },
): Promise<{ dispose: () => Promise<void> }> {
  const { dir, mirror } = settings;
  const execRoot = join(dir, `exec-${own.name}`);
  const containerdDir = join(execRoot, "containerd");
  const containerdSocket = join(containerdDir, "containerd.sock");
  await mkdir(containerdDir, { recursive: true });
  // What dockerd writes for a containerd it starts itself, minus what it would not use either.
  const containerdToml = [
    "version = 2",
    `root = ${JSON.stringify(join(own.dataRoot, "containerd/daemon"))}`,
    `state = ${JSON.stringify(join(containerdDir, "daemon"))}`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    "oom_score = 0",
    "[grpc]",
    `  address = ${JSON.stringify(containerdSocket)}`,
    "  max_recv_message_size = 16777216",
    "  max_send_message_size = 16777216",
    "[debug]",
    `  address = ${JSON.stringify(join(containerdDir, "containerd-debug.sock"))}`,
    "",
  ].join("\n");
  const containerdConfig = join(containerdDir, "containerd.toml");
  await writeFile(containerdConfig, containerdToml);
  const daemonJson = {
    features: { "containerd-snapshotter": true },
    containerd: containerdSocket,
    "data-root": own.dataRoot,
    "exec-root": execRoot,
    pidfile: join(dir, `${own.name}.pid`),
    hosts: [`unix://${own.socket}`],
    bridge: "none",
    iptables: false,
    ip6tables: false,
    "ip-forward": false,
    "ip-masq": false,
    "cgroup-parent": settings.cgroupParent,
    // cgroupfs, never systemd (dockerd's default on cgroup v2 under systemd): the parent is a
    // path made for the run (run-cgroup.ts), not a systemd slice.
    "exec-opts": ["native.cgroupdriver=cgroupfs"],
    "registry-mirrors": mirror ? [mirror] : [],
    "insecure-registries": [...settings.insecureRegistries, ...(mirror ? [new URL(mirror).host] : [])],
  };
  const configFile = join(dir, `${own.name}.json`);
  await writeFile(configFile, JSON.stringify(daemonJson, null, 2));
  let daemon: Daemon | undefined;
  let containerd: Daemon | undefined;
  const dispose = registerDisposer(`private ${own.name} ${dir}`, async () => {
    // dockerd first: it stops what still runs through its containerd.
    await daemon?.stop();
    await containerd?.stop();
    for (const path of own.unmount) await unmountUnder(path);
    await settings.disposeSandbox();
  });
  const logFile = join(dir, `${own.name}.log`);
  const containerdLog = join(dir, `${own.name}-containerd.log`);
  // Both in the run's network namespace: build steps on the host network share containerd's.
  const inNamespace = (file: string) => [`--net=${settings.netPath}`, file];
  const env = { PATH: searchPath(), HOME: dir };
  try {
    containerd = spawnDaemon(
      settings.nsenter,
      [...inNamespace(settings.containerd), "--config", containerdConfig],
      {
        env,
        logFile: containerdLog,
      },
    );
    fallback(dispose, [{ kill: containerd.pid }, ...own.unmount.map((path) => ({ unmountUnder: path }))]);
    await waitForContainerd(containerdSocket, containerd, settings.startTimeoutMs, containerdLog);
    daemon = spawnDaemon(settings.nsenter, [...inNamespace(settings.dockerd), "--config-file", configFile], {
      env,
      logFile,
    });
    fallback(dispose, [{ kill: daemon.pid }]);
    await waitForEngine(own.socket, daemon, settings.startTimeoutMs, logFile);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { dispose };
}

/** Waits for containerd's socket to appear: it listens on it as the last step of its boot. */
async function waitForContainerd(
  socket: string,
  daemon: Daemon,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const serving = await waitUntil(
    () =>
      stat(socket).then(
        (s) => s.isSocket(),
        () => false,
      ),
    {
      timeoutMs,
      intervalMs: 10,
      gaveUp: () => daemon.hasExited(),
    },
  );
  if (serving) return;
  const log = await readFile(logFile, "utf8").catch(() => "");
  throw new GraderError(
    "ENGINE_START_FAILED",
    daemon.hasExited()
      ? `containerd exited while starting: ${log.trim().split("\n").slice(-3).join(" | ")}`
      : `containerd did not start within ${timeoutMs / 1000}s; see ${logFile}`,
    { hint: "Check that containerd and runc are installed (sudo bash harness/engine/provision.sh)" },
  );
}

async function waitForEngine(
  socket: string,
  daemon: Daemon,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  // Asked in-process and often: a CLI call per poll cost more CPU than the engine's own start.
  const answered = await waitUntil(() => answersOnSocket(socket, "/_ping", 5000), {
    timeoutMs,
    intervalMs: 25,
    gaveUp: () => daemon.hasExited(),
  });
  if (answered) return;
  if (daemon.hasExited()) {
    const log = await readFile(logFile, "utf8").catch(() => "");
    throw new GraderError(
      "ENGINE_START_FAILED",
      `dockerd exited while starting: ${log.trim().split("\n").slice(-3).join(" | ")}`,
      { hint: "Check that runc and containerd are installed (sudo bash harness/engine/provision.sh)" },
    );
  }
  throw new GraderError(
    "ENGINE_START_FAILED",
    `dockerd did not answer within ${timeoutMs / 1000}s; see ${logFile}`,
  );
}
