import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { listen, type ReadOnlyProxy } from "./mirror-proxy.ts";

/**
 * The only way out of a run's network: an HTTP CONNECT proxy that opens tunnels to the listed
 * host names on port 443 and to nothing else (no address literals, no other port), through the
 * machine's usual route. Package managers use it through HTTPS_PROXY. Plain HTTP is forwarded
 * only as GET or HEAD to the hosts of `readOnlyHttpHosts`: Debian's archive, which apt reads
 * over HTTP as the real images configure it, and whose content apt verifies by signature.
 */
export type EgressProxy = ReadOnlyProxy & {
  /** Tunnels refused so far, as host:port: for the report, and for tests. */
  readonly refused: readonly string[];
};

const MAX_TUNNELS = 128;

export async function startEgressProxy(
  listenHost: string,
  allowedHosts: readonly string[],
  readOnlyHttpHosts: readonly string[] = [],
): Promise<EgressProxy> {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const plain = new Set(readOnlyHttpHosts.map((h) => h.toLowerCase()));
  const refused: string[] = [];
  let open = 0;
  const server = createServer((req, res) => {
    const url = plainTarget(req.url ?? "");
    if (
      (req.method === "GET" || req.method === "HEAD") &&
      url &&
      plain.has(url.hostname) &&
      open < MAX_TUNNELS
    ) {
      open += 1;
      const upstream = httpRequest(
        url,
        { method: req.method, headers: upstreamHeaders(req.headers), timeout: 120_000 },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
          answer.pipe(res);
        },
      );
      upstream.on("timeout", () => upstream.destroy(new Error("timeout")));
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end();
      });
      upstream.on("close", () => (open -= 1));
      upstream.end();
      return;
    }
    if (refused.length < 1000) refused.push(`${req.method ?? "?"} ${req.url ?? ""}`.slice(0, 200));
    res.writeHead(403, { "content-type": "text/plain" });
    res.end("the grading proxy only tunnels HTTPS to the package registry, and reads Debian's archive\n");
  });
  server.on("connect", (req, client, head) => {
    const target = /^([a-z0-9.-]+):(\d+)$/i.exec(req.url ?? "");
    const host = target?.[1]?.toLowerCase();
    if (!target || !host || target[2] !== "443" || !allowed.has(host) || open >= MAX_TUNNELS) {
      if (refused.length < 1000) refused.push((req.url ?? "").slice(0, 200));
      client.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
      return;
    }
    open += 1;
    const upstream = connect(443, host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = (): void => {
      upstream.destroy();
      client.destroy();
    };
    upstream.setTimeout(120_000, close);
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n"));
    client.on("error", close);
    upstream.on("close", () => {
      open -= 1;
      client.destroy();
    });
  });
  const base = await listen(server, listenHost);
  return { ...base, refused };
}

/** An absolute `http://host/path` on port 80 with a host name (no address literal), else undefined. */
function plainTarget(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" || url.port !== "" || url.username || url.password) return undefined;
    if (!/^[a-z0-9.-]+$/i.test(url.hostname) || /^[\d.]+$/.test(url.hostname)) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/**
 * A read's headers as sent upstream: those safe to pass along, without `host`. The upstream's
 * Host is the allowed name in the URL; passing the client's would let a build reach any other
 * site behind the same CDN (domain fronting).
 */
export function upstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out = forwardable(headers);
  delete out["host"];
  return out;
}

/** Headers safe to pass along: no hop-by-hop ones, no proxy credentials. */
function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k.toLowerCase())) continue;
    out[k] = v;
  }
  return out;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
