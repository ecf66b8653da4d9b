import { randomInt } from "node:crypto";
import { createServer } from "node:net";

/** A TCP port on `host` (loopback by default) that was free a moment ago (the OS picks it). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A port from `low` to `high` on `host` that was free a moment ago, tried in random order. */
export async function freePortIn(
  host: string,
  range: { low: number; high: number },
): Promise<number | undefined> {
  const ports = Array.from({ length: range.high - range.low + 1 }, (_, i) => range.low + i);
  // Random order, so runs started together rarely reach for the same port.
  for (let i = ports.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [ports[i], ports[j]] = [ports[j] ?? 0, ports[i] ?? 0];
  }
  for (const port of ports) if (await bindable(host, port)) return port;
  return undefined;
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => {
      resolve(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}
