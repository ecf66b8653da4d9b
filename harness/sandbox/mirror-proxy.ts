import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The base-image mirror as a run sees it: GET and HEAD only, forwarded to the shared mirror,
 * so no build step can push over, or delete, the images every later run starts from.
 */
export interface ReadOnlyProxy {
  /** host:port */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startReadOnlyProxy(listenHost: string, upstream: string): Promise<ReadOnlyProxy> {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    forward(req, res, target);
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 600_000;
  return listen(server, listenHost);
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
    res.end(
      JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "the grading mirror is read-only" }] }),
    );
    req.resume();
    return;
  }
  const upstream = request(
    {
      host: target.hostname,
      port: target.port || 80,
      method: req.method,
      path: req.url ?? "/",
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
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
