import { createServer, connect, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startTcpForwarder } from "./tcp-forwarder.ts";

describe("a TCP forwarder", () => {
  it("pipes each connection both ways, and closing it drops the ones still open", async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const target = `127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const forwarder = await startTcpForwarder("127.0.0.1", target);
    expect(forwarder.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(forwarder.address).not.toBe(target);
    const [host = "", port = ""] = forwarder.address.split(":");
    const client = connect(Number(port), host);
    const reply = new Promise<string>((resolve) =>
      client.once("data", (d) => {
        resolve(d.toString());
      }),
    );
    client.write("ping");
    expect(await reply).toBe("ping");
    const closed = new Promise<void>((resolve) =>
      client.once("close", () => {
        resolve();
      }),
    );
    await forwarder.close();
    await closed;
    await new Promise<void>((resolve) =>
      echo.close(() => {
        resolve();
      }),
    );
  });
});
