import { createServer } from "node:http";
import { connect } from "node:net";
import { listen, type ReadOnlyProxy } from "./mirror-proxy.ts";

/**
 * The only way out of a run's network: an HTTP CONNECT proxy that opens tunnels to the listed
 * host names on port 443 and to nothing else (no address literals, no other port, no plain
 * HTTP), through the machine's usual route. Package managers use it through HTTPS_PROXY.
 */
export type EgressProxy = ReadOnlyProxy & {
  /** Tunnels refused so far, as host:port: for the report, and for tests. */
  readonly refused: readonly string[];
};

const MAX_TUNNELS = 128;

export async function startEgressProxy(
  listenHost: string,
  allowedHosts: readonly string[],
): Promise<EgressProxy> {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  const refused: string[] = [];
  let open = 0;
  const server = createServer((req, res) => {
    refused.push(`${req.method ?? "?"} ${req.url ?? ""}`.slice(0, 200));
    res.writeHead(403, { "content-type": "text/plain" });
    res.end("the grading proxy only tunnels HTTPS to the package registry\n");
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
