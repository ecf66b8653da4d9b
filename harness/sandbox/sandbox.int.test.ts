import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand, type BuildResult } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { npmRegistryHosts } from "../grading/exercise.ts";

// Attacks a learner's RUN steps could make on the grading machine, each performed for real:
// the test fails if any of them works.

const build = async (
  env: BuildEnvironment,
  dockerfile: string,
  files: Record<string, string> = {},
  extra: Record<string, string> = {},
): Promise<BuildResult> => {
  const context = await writeContext(dockerfile, files);
  try {
    return await new BuildCommand(new Buildx(env)).run({
      label: "attack",
      context,
      output: "cacheonly",
      network: "host",
      noCache: true,
      buildArgs: extra,
      timeoutMs: 240_000,
    });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
};
const logOf = (result: BuildResult): string => result.steps.map((s) => s.log).join("\n");

const listen = (host: string): Promise<{ server: Server; port: number }> =>
  new Promise((resolve) => {
    const server = createServer((socket) => socket.end("host service\n"));
    server.listen(0, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });

describe("a run's network: the package registry and its own services, nothing else", () => {
  let a: BuildEnvironment;
  let b: BuildEnvironment;
  const servers: Server[] = [];
  beforeAll(async () => {
    [a, b] = await Promise.all([
      openEnvironment({ mirror: MIRROR, egressHosts: npmRegistryHosts() }),
      openEnvironment({ mirror: MIRROR, egressHosts: npmRegistryHosts() }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a.dispose(), b.dispose()]);
    for (const s of servers) s.close();
  });

  it("reaches npm, while every way to the host, the mirror's writes, other runs and the outside is closed", async () => {
    const everywhere = await listen("0.0.0.0");
    const loopback = await listen("127.0.0.1");
    servers.push(everywhere.server, loopback.server);
    const eth = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === "IPv4" && !i.internal && !i.address.startsWith("10.213."));
    const daemon = JSON.parse(await readFile(join(a.workDir, "engine.json"), "utf8")) as {
      "registry-mirrors": string[];
    };
    const mirror = new URL(daemon["registry-mirrors"][0] ?? "http://none:0").host;
    const targets = {
      "host-service-on-all-addresses": `${a.serviceHost}:${everywhere.port}`,
      "host-loopback-service": `127.0.0.1:${loopback.port}`,
      "host-mirror-directly": "127.0.0.1:5000",
      "host-main-address": `${eth?.address ?? "192.0.2.2"}:${everywhere.port}`,
      "other-run-registry": b.registry.host,
      "other-run-host-side": `${b.serviceHost}:${everywhere.port}`,
      "cloud-metadata": "169.254.169.254:80",
      "gateway-lan": "192.168.1.1:80",
      "public-internet": "1.1.1.1:443",
      "own-run-registry": a.registry.host,
    };
    const result = await build(
      a,
      "FROM node:20\nCOPY network-probe.cjs /probe.cjs\nARG PROBE_TARGETS\nARG PROBE_MIRROR\nRUN node /probe.cjs && npm view is-number@7.0.0 version --fetch-timeout=60000 && echo NPM-OK\n",
      { "network-probe.cjs": readFileSync(new URL("./testdata/network-probe.cjs", import.meta.url), "utf8") },
      {
        PROBE_TARGETS: Object.entries(targets)
          .map(([k, v]) => `${k}=${v}`)
          .join(","),
        PROBE_MIRROR: mirror,
      },
    );
    const log = logOf(result);
    expect(result.ok, log).toBe(true);
    for (const name of Object.keys(targets).filter((n) => n !== "own-run-registry"))
      expect(log, name).toMatch(new RegExp(`${name}: BLOCKED`));
    expect(log).toMatch(/own-run-registry: REACHED/);
    expect(log).toMatch(/mirror-read: HTTP 200/);
    expect(log).toMatch(/mirror-write: HTTP 405/);
    expect(log).toMatch(/tunnel-elsewhere: HTTP 403/);
    expect(log).toMatch(/tunnel-address: HTTP 403/);
    // In the same build, the npm registry answers through the run's proxy. (npm may print its
    // update notice between the version and the marker: a newer npm is on the registry.)
    expect(log).toMatch(/^7\.0\.0$/m);
    expect(log).toMatch(/^NPM-OK$/m);
  });
});

describe("a run's limits: reaching one is a failed build that names it", () => {
  let env: BuildEnvironment;
  beforeAll(async () => {
    env = await openEnvironment({
      mirror: MIRROR,
      limits: { memoryBytes: 256 * 1024 ** 2, pids: 200, diskBytes: 1024 ** 3 },
    });
  });
  afterAll(() => env.dispose());

  it("memory", async () => {
    const result = await build(
      env,
      'FROM node:20\nRUN node -e "const a = []; for (;;) a.push(Buffer.alloc(32e6, 1))"\n',
    );
    expect(result.ok).toBe(false);
    expect(result.failure?.limits).toEqual(["memory (256 MiB)"]);
    expect(result.failure?.message).toMatch(/^the build reached the run's limit of memory \(256 MiB\)/);
  });

  it("processes", async () => {
    const result = await build(
      env,
      "FROM busybox\nRUN for i in $(seq 400); do (sleep 20 &) || exit 3; done\n",
    );
    expect(result.ok).toBe(false);
    expect(result.failure?.limits).toEqual(["processes (200)"]);
  });

  // Before the disk test: the engine frees a failed step's snapshot lazily, so a full disk can
  // outlast the test that filled it.
  it("output: 40 MB printed by one step is kept as a tail", async () => {
    const result = await build(
      env,
      "FROM busybox\nRUN yes 'a line of output' | head -c 40000000 && echo the-end\n",
    );
    expect(result.ok, result.failure?.message).toBe(true);
    const step = result.steps.find((s) => s.instruction === "RUN");
    expect(step?.log.length).toBeLessThanOrEqual(64 * 1024);
    expect(step?.log).toMatch(/a line of output/);
  });
  it("disk", async () => {
    const result = await build(env, "FROM busybox\nRUN dd if=/dev/zero of=/fill bs=1M count=1500\n");
    expect(result.ok).toBe(false);
    expect(result.failure?.limits).toEqual(["disk (1 GiB)"]);
    expect((await env.limits?.usage())?.diskUsedBytes).toBeLessThan(1024 ** 3);
  });
});
