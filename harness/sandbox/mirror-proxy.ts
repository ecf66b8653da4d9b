import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { relayRequest } from "../util/http-relay.ts";

/**
 * A registry as a run sees it: GET and HEAD only, forwarded upstream. For the base-image mirror,
 * no build step can push over, or delete, the images every later run starts from; for a run's
 * private npm registry, builds can only read, and each answer is counted where it is sent.
 */
export interface ReadOnlyProxy {
  /** host:port */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ReadOnlyProxyOptions {
  /**
   * Pass the client's Host header on, for an upstream that writes its own URLs from it (an npm
   * registry's tarball links must name the proxy, not the upstream behind it).
   */
  readonly keepHost?: boolean;
  /** Told of each answer's status as its headers arrive, before its body is sent. */
  readonly onAnswer?: (method: string, path: string, status: number) => void;
}

export async function startReadOnlyProxy(
  listenHost: string,
  upstream: string,
  options: ReadOnlyProxyOptions = {},
): Promise<ReadOnlyProxy> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    forward(req, res, target, options);
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 600_000;
  return listen(server, listenHost);
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: URL,
  options: ReadOnlyProxyOptions,
): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
    res.end(
      JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "this registry is read-only to builds" }] }),
    );
    req.resume();
    return;
  }
  relayRequest(
    req,
    res,
    {
      host: target.hostname,
      port: target.port || 80,
      headers: options.keepHost ? req.headers : { ...req.headers, host: target.host },
    },
    (status) => options.onAnswer?.(req.method ?? "GET", req.url ?? "/", status),
  );
}

export function listen(server: Server, host: string): Promise<ReadOnlyProxy> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        address: `${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}
