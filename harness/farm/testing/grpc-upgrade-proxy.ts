import { connect, createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

/**
 * Makes a dockerd's embedded BuildKit answer like a `buildkitd` socket: each connection is
 * upgraded to raw gRPC (h2c) on the Docker API's /grpc endpoint, the way buildx's docker driver
 * reaches it, then piped both ways. buildx's remote driver can then build on the daemon, so
 * local engines stand in for a farm's BuildKit daemons where none can be pulled.
 */
export async function startGrpcUpgradeProxy(
  listenSocket: string,
  dockerSocket: string,
): Promise<{ close: () => Promise<void> }> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    const upstream = connect(dockerSocket);
    open.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    upstream.on("connect", () => {
      upstream.write(
        "POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n",
      );
    });
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      upstream.off("data", onHead);
      if (!head.subarray(0, end).toString("latin1").startsWith("HTTP/1.1 101")) {
        drop();
        return;
      }
      const rest = head.subarray(end + 4);
      if (rest.length > 0) client.write(rest);
      upstream.pipe(client);
      client.pipe(upstream);
      client.resume();
    };
    upstream.on("data", onHead);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenSocket, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

// Run as its own process (`node --import tsx grpc-upgrade-proxy.ts LISTEN DOCKER_SOCKET`), so a
// busy grader's event loop never stalls a build's connection.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [listen, docker] = process.argv.slice(2);
  if (!listen || !docker) {
    process.stderr.write("usage: grpc-upgrade-proxy LISTEN_SOCKET DOCKER_SOCKET\n");
    process.exit(2);
  }
  await startGrpcUpgradeProxy(listen, docker);
}
