import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export interface TcpForwarder {
  /** host:port the forwarder listens on. */
  readonly address: string;
  close(): Promise<void>;
}

/** Listens on `listenHost` (a free port) and pipes each connection to `target` (host:port). */
export async function startTcpForwarder(listenHost: string, target: string): Promise<TcpForwarder> {
  const split = target.lastIndexOf(":");
  const host = target.slice(0, split);
  const port = Number(target.slice(split + 1));
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
    }
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, listenHost, resolve);
  });
  const { port: listening } = server.address() as AddressInfo;
  return {
    address: `${listenHost}:${listening}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
