import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEgressProxy, upstreamHeaders, type EgressProxy } from "./egress-proxy.ts";
import { startReadOnlyProxy, type ReadOnlyProxy } from "./mirror-proxy.ts";
import { DEFAULT_LIMITS, limitsFromEnv } from "./run-limits.ts";

let upstream: Server;
let upstreamUrl: string;
const seen: string[] = [];
beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(`${req.method ?? ""} ${req.url ?? ""}`);
    res.setHeader("x-seen-host", req.headers.host ?? "");
    res.end("manifest");
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) =>
      upstream.close(() => {
        r();
      }),
    ),
);

const call = (address: string, method: string, path: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const [host, port] = address.split(":");
    const req = request({ host, port, method, path }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("connect", (res) => {
      resolve({ status: res.statusCode ?? 0, body: "" });
    });
    req.on("error", reject);
    req.end();
  });

describe("the mirror as a run sees it", () => {
  let proxy: ReadOnlyProxy;
  beforeAll(async () => {
    proxy = await startReadOnlyProxy("127.0.0.1", upstreamUrl);
  });
  afterAll(() => proxy.close());

  it("forwards reads", async () => {
    expect(await call(proxy.address, "GET", "/v2/library/node/manifests/20")).toEqual({
      status: 200,
      body: "manifest",
    });
    expect((await call(proxy.address, "HEAD", "/v2/")).status).toBe(200);
  });
  it("refuses every write before it reaches the mirror", async () => {
    seen.length = 0;
    for (const method of ["POST", "PUT", "PATCH", "DELETE"])
      expect((await call(proxy.address, method, "/v2/library/node/blobs/uploads/")).status).toBe(405);
    expect(seen).toEqual([]);
  });
});

describe("a run's private npm registry as its builds see it", () => {
  it("keeps the Host the client asked for, and is told each answer's status", async () => {
    const answers: string[] = [];
    const proxy = await startReadOnlyProxy("127.0.0.1", upstreamUrl, {
      keepHost: true,
      onAnswer: (method, path, status) => answers.push(`${method} ${path} ${String(status)}`),
    });
    const plain = await startReadOnlyProxy("127.0.0.1", upstreamUrl);
    try {
      const kept = await fetch(`http://${proxy.address}/@course/greeting/-/greeting-1.0.0.tgz`);
      // The upstream writes its tarball links from the Host header: they must name the proxy.
      expect(kept.headers.get("x-seen-host")).toBe(proxy.address);
      expect(answers).toEqual(["GET /@course/greeting/-/greeting-1.0.0.tgz 200"]);
      const rewritten = await fetch(`http://${plain.address}/v2/`);
      expect(rewritten.headers.get("x-seen-host")).toBe(new URL(upstreamUrl).host);
    } finally {
      await proxy.close();
      await plain.close();
    }
  });
});

describe("the run's only way out", () => {
  let proxy: EgressProxy;
  beforeAll(async () => {
    proxy = await startEgressProxy("127.0.0.1", ["registry.npmjs.org"], ["deb.debian.org"]);
  });
  afterAll(() => proxy.close());

  it("tunnels nowhere but the allowed hosts on 443", async () => {
    for (const target of [
      "example.com:443",
      "registry.npmjs.org:22",
      "127.0.0.1:443",
      "169.254.169.254:443",
      "REGISTRY.npmjs.org.evil:443",
    ])
      expect((await call(proxy.address, "CONNECT", target)).status, target).toBe(403);
    expect(proxy.refused).toContain("169.254.169.254:443");
  });
  it("sends the archive the URL's host, never the client's Host or proxy credentials", () => {
    expect(
      upstreamHeaders({
        host: "other-site-on-the-same-cdn.example",
        "proxy-authorization": "Basic eA==",
        connection: "keep-alive",
        "user-agent": "Debian APT-HTTP/1.3",
        range: "bytes=0-",
      }),
    ).toEqual({ "user-agent": "Debian APT-HTTP/1.3", range: "bytes=0-" });
  });
  it("refuses plain HTTP proxying but for reads of the listed archive", async () => {
    for (const [method, url] of [
      ["GET", "http://registry.npmjs.org/is-number"],
      ["POST", "http://deb.debian.org/debian/"],
      ["PUT", "http://deb.debian.org/debian/x"],
      ["GET", "http://deb.debian.org:8080/debian/"],
      ["GET", "http://user:pw@deb.debian.org/debian/"],
      ["GET", "http://151.101.2.132/debian/"],
      ["GET", "/debian/dists/bookworm/Release"],
    ] as const)
      expect((await call(proxy.address, method, url)).status, `${method} ${url}`).toBe(403);
    expect(proxy.refused).toContain("POST http://deb.debian.org/debian/");
  });
});

describe("limits from the environment", () => {
  it("defaults, overrides and refuses nonsense", () => {
    expect(limitsFromEnv({})).toEqual(DEFAULT_LIMITS);
    expect(
      limitsFromEnv({ GRADER_LIMIT_MEMORY_MIB: "512", GRADER_LIMIT_PIDS: "300", GRADER_LIMIT_DISK_GIB: "2" }),
    ).toEqual({
      memoryBytes: 512 * 1024 ** 2,
      pids: 300,
      diskBytes: 2 * 1024 ** 3,
    });
    expect(() => limitsFromEnv({ GRADER_LIMIT_PIDS: "lots" })).toThrow(
      /GRADER_LIMIT_PIDS=lots is not a number/,
    );
    expect(() => limitsFromEnv({ GRADER_LIMIT_MEMORY_MIB: "1" })).toThrow(/at least 64/);
  });
});
