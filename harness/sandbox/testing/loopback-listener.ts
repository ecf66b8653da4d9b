import { createServer, type Socket } from "node:net";

/** A service on the host's loopback that a way out would reach: it counts who did. */
export interface LoopbackListener {
  readonly port: number;
  /** Each connection's peer, in order: a test of a way out wants none. */
  readonly connections: readonly string[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at a free port and answers every connection with `answer`. */
export async function listenOnLoopback(answer: string): Promise<LoopbackListener> {
  const connections: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections.push(`${socket.remoteAddress ?? "?"}:${String(socket.remotePort ?? 0)}`);
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
