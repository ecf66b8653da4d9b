import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnDaemon } from "../../exec/daemon.ts";
import { baseEnv, exec } from "../../exec/exec.ts";
import { searchPath } from "../../engine/host-tools.ts";
import { fallback, registerDisposer } from "../../lifecycle/cleanup-registry.ts";
import { unmountUnder } from "../../lifecycle/unmount.ts";
import { waitUntil } from "../../util/wait-until.ts";
import { fileURLToPath } from "node:url";
import type { Daemon } from "../../exec/daemon.ts";
import { startReadOnlyProxy } from "../../sandbox/mirror-proxy.ts";
import type { LanMachine } from "./lan-machine.ts";

/** A farm daemon standing in for a remote buildkitd: its BuildKit endpoint, and how to take it down. */
export interface FarmDaemon {
  /** What GRADER_BUILDKIT_ENDPOINTS names: unix://…/buildkit.sock */
  readonly address: string;
  /** The endpoint stops answering (the daemon behind it lost), as a farm node that dies. */
  takeDown(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A dockerd of its own (data root, exec root, socket, containerd), like a build node of a farm,
 * its BuildKit reached through a /grpc upgrade proxy. It runs on this machine's network, or on
 * `machine`'s (another machine's, which reaches this one only at `machine.hostAddress`: the
 * base-image mirror through a read-only proxy there, and runs' registries once published there).
 */
export async function startFarmDaemon(
  mirror: string | undefined,
  remote: {
    readonly machine?: LanMachine;
    /** The registries it takes as plain HTTP (host:port or an address range); by default all of the machine's link. */
    readonly plainHttp?: readonly string[];
  } = {},
): Promise<FarmDaemon> {
  const { machine } = remote;
  const dir = await mkdtemp(join(tmpdir(), "bkg-farm-"));
  const socket = join(dir, "docker.sock");
  const mirrorProxy = mirror && machine ? await startReadOnlyProxy(machine.hostAddress, mirror) : undefined;
  const seenMirror = mirrorProxy ? `http://${mirrorProxy.address}` : mirror;
  const config = {
    features: { "containerd-snapshotter": true },
    "data-root": join(dir, "data"),
    "exec-root": join(dir, "exec"),
    pidfile: join(dir, "docker.pid"),
    hosts: [`unix://${socket}`],
    // Bridges and iptables belong to the machine's engine: one daemon may manage them.
    bridge: "none",
    iptables: false,
    ip6tables: false,
    "registry-mirrors": seenMirror ? [seenMirror] : [],
    // As a farm's operator would: the grading machine's address serves plain HTTP.
    "insecure-registries": [
      ...(seenMirror ? [new URL(seenMirror).host] : []),
      ...(remote.plainHttp ?? (machine ? [`${machine.hostAddress}/32`] : [])),
    ],
  };
  await writeFile(join(dir, "daemon.json"), JSON.stringify(config));
  const dockerd = ["dockerd", "--config-file", join(dir, "daemon.json")];
  // nsenter, not `ip netns exec`: that remounts /sys, and dockerd then finds no cgroups.
  const [command = "dockerd", ...args] = machine ? ["nsenter", `--net=${machine.path}`, ...dockerd] : dockerd;
  const daemon = spawnDaemon(command, args, {
    env: { PATH: searchPath(), HOME: dir },
    logFile: join(dir, "dockerd.log"),
  });
  let proxy: Daemon | undefined;
  const dispose = registerDisposer(`farm daemon ${dir}`, async () => {
    await proxy?.stop(2000);
    await daemon.stop();
    await mirrorProxy?.close();
    await unmountUnder(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  fallback(dispose, [
    { kill: daemon.pid },
    { killPidFile: join(dir, "exec/containerd/containerd.pid") },
    { unmountUnder: dir },
    { remove: dir },
  ]);
  try {
    const env = baseEnv({ DOCKER_HOST: `unix://${socket}` });
    const up = await waitUntil(
      async () => (await exec("docker", ["version"], { env, reject: false, timeoutMs: 5000 })).exitCode === 0,
      { timeoutMs: 60_000, gaveUp: () => daemon.hasExited() },
    );
    if (!up) throw new Error(`the farm daemon did not start; see ${join(dir, "dockerd.log")}`);
    const endpoint = join(dir, "buildkit.sock");
    const script = fileURLToPath(new URL("./grpc-upgrade-proxy.ts", import.meta.url));
    proxy = spawnDaemon(process.execPath, ["--import", "tsx", script, endpoint, socket], {
      env: { PATH: searchPath() },
      logFile: join(dir, "proxy.log"),
      // Where `--import tsx` is resolved from.
      cwd: fileURLToPath(new URL("../../..", import.meta.url)),
    });
    fallback(dispose, [{ kill: proxy.pid }]);
    const listening = await waitUntil(
      () =>
        access(endpoint).then(
          () => true,
          () => false,
        ),
      {
        timeoutMs: 20_000,
        gaveUp: () => proxy?.hasExited() ?? true,
      },
    );
    if (!listening)
      throw new Error(`the farm daemon's BuildKit proxy did not start; see ${join(dir, "proxy.log")}`);
    return {
      address: `unix://${endpoint}`,
      takeDown: async () => {
        await proxy?.stop(2000);
        await daemon.stop();
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
