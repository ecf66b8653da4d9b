import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand, type BuildResult } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { exec } from "../exec/exec.ts";
import { npmRegistryHosts } from "../grading/exercise.ts";

// Attacks a learner's RUN steps could make on the grading machine. Those aimed at this machine
// and at the tests' own namespaces are performed for real; ways to any other address are proven
// closed from the namespace's routes and the host's rules, read back, never by trying them.

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
    const daemon = JSON.parse(await readFile(join(a.workDir, "engine.json"), "utf8")) as {
      "registry-mirrors": string[];
    };
    const mirror = new URL(daemon["registry-mirrors"][0] ?? "http://none:0").host;
    const targets = {
      "host-service-on-all-addresses": `${a.serviceHost}:${everywhere.port}`,
      "host-loopback-service": `127.0.0.1:${loopback.port}`,
      "host-mirror-directly": "127.0.0.1:5000",
      "other-run-registry": b.registry.host,
      "other-run-host-side": `${b.serviceHost}:${everywhere.port}`,
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
  it("routes nothing beyond its link, and the host admits from it only the run's own ports", async () => {
    const { namespace, hostLink, chain } = linkOf(a.serviceHost);
    const routes = await ipJson(["-4", "-n", namespace, "route", "show", "table", "all"]);
    expect(routes.filter((r) => r.dst === "default")).toEqual([]);
    for (const route of routes.filter((r) => r.table !== "local"))
      expect(route.dst, JSON.stringify(route)).toMatch(/^10\.213\.\d+\.\d+\/30$/);
    const routes6 = await ipJson(["-6", "-n", namespace, "route", "show", "table", "all"]);
    for (const route of routes6.filter((r) => r.table !== "local"))
      expect(route.dst, JSON.stringify(route)).toMatch(/^(fe80::\/64|ff00::\/8|::1)$/);
    // The kernel's own answer for the addresses a learner would try: no route, so not one packet.
    // The host's own address is the one on its default route's device: other runs' links (on
    // 10.213/16, running beside this test) also carry a prefsrc, and this run's own is reachable.
    const main = await ipJson(["route", "show", "table", "main"]);
    const uplink = main.find((r) => r.dst === "default")?.dev;
    const hostMain = main.find((r) => r.dev === uplink && r.prefsrc !== undefined)?.prefsrc;
    for (const address of ["169.254.169.254", "192.168.1.1", "1.1.1.1", hostMain ?? "192.0.2.2"]) {
      const got = await exec("ip", ["-n", namespace, "route", "get", address], { reject: false });
      expect(got.exitCode, address).not.toBe(0);
      expect(got.stderr, address).toMatch(/unreachable/i);
    }
    for (const address of ["2606:4700::1111", "fd00::1"])
      expect(
        (await exec("ip", ["-6", "-n", namespace, "route", "get", address], { reject: false })).exitCode,
      ).not.toBe(0);
    expect(readFileSync(`/proc/sys/net/ipv6/conf/${hostLink}/disable_ipv6`, "utf8").trim()).toBe("1");

    // The host's end: the run's chain first for its link, and in it only the run's own ports.
    const rules = await iptables(["-S", chain]);
    expect(rules.at(-1)).toMatch(new RegExp(`^-A ${chain} -j REJECT`));
    const host = a.serviceHost.replace(/\./g, "\\.");
    const opened: string[] = [];
    for (const rule of rules.slice(1, -1)) {
      if (/--ctstate RELATED,ESTABLISHED -j ACCEPT$/.test(rule)) continue;
      const port = new RegExp(`^-A ${chain} -d ${host}/32 -p tcp -m tcp --dport (\\d+) -j ACCEPT$`).exec(
        rule,
      )?.[1];
      expect(port, rule).toBeDefined();
      if (port !== undefined) opened.push(port);
    }
    // Each opened port is a service bound to the run's own address, which only the grader uses.
    const bound = (await exec("ss", ["-Hltn", `src ${a.serviceHost}`])).stdout;
    expect(opened).toContain(portOf(a.registry.host));
    for (const port of opened) expect(bound, port).toContain(`${a.serviceHost}:${port} `);
    for (const [table, wanted] of [
      ["INPUT", [`-A INPUT -i ${hostLink} -j ${chain}`]],
      ["FORWARD", [`-A FORWARD -o ${hostLink} -j REJECT`, `-A FORWARD -i ${hostLink} -j REJECT`]],
    ] as const) {
      const list = (await iptables(["-S", table])).slice(1);
      for (const rule of wanted) {
        const at = list.findIndex((r) => r.startsWith(rule));
        expect(at, `${rule} in\n${list.join("\n")}`).toBeGreaterThanOrEqual(0);
        // Only other runs' rules may come before it (each run inserts its own at the top).
        for (const before of list.slice(0, at))
          expect(before, rule).toMatch(/ -[io] bkgh\d+ -j (REJECT|BKG-\d+)/);
      }
    }
  });
});

/** The run's namespace, host-side link and chain, found from the host address of its /30. */
function linkOf(serviceHost: string): { namespace: string; hostLink: string; chain: string } {
  const [, , third, fourth] = serviceHost.split(".").map(Number);
  const block = ((third ?? 0) * 256 + (fourth ?? 0) - 1) / 4;
  expect(Number.isInteger(block), serviceHost).toBe(true);
  return {
    namespace: `bkg-n${String(block)}`,
    hostLink: `bkgh${String(block)}`,
    chain: `BKG-${String(block)}`,
  };
}

interface Route {
  readonly dst: string;
  readonly table?: string;
  readonly prefsrc?: string;
  readonly dev?: string;
}
const ipJson = async (args: readonly string[]): Promise<Route[]> =>
  JSON.parse((await exec("ip", ["-j", ...args])).stdout) as Route[];
const iptables = async (args: readonly string[]): Promise<string[]> =>
  (await exec("iptables", ["-w", ...args])).stdout.trim().split("\n");
const portOf = (host: string): string => host.slice(host.lastIndexOf(":") + 1);

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
