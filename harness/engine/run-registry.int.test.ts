import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import { answers } from "../util/wait-until.ts";
import { isRunRegistry, localImageRef, startRunRegistry } from "./run-registry.ts";

describe("a run registry published for a farm", () => {
  it("is known as the grader's own, and this machine's engine pulls it through a loopback alias", async () => {
    const address = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .find((a) => a.family === "IPv4" && !a.internal)?.address;
    if (!address) throw new Error("this machine has no IPv4 address besides loopback");
    const registry = await startRunRegistry(
      { serviceHost: address, exposePort: () => Promise.resolve() },
      { loopbackAlias: true },
    );
    const ref = `${registry.host}/submission@sha256:${"0".repeat(64)}`;
    try {
      expect(isRunRegistry(registry.host)).toBe(true);
      const local = localImageRef(ref);
      expect(local).toMatch(/^127\.0\.0\.1:\d+\/submission@sha256:0+$/);
      expect(await answers(`http://${local.split("/")[0] ?? ""}/v2/`)).toBe(true);
      expect(localImageRef("docker.io/library/alpine:3.19")).toBe("docker.io/library/alpine:3.19");
    } finally {
      await registry.dispose();
    }
    expect(isRunRegistry(registry.host)).toBe(false);
    expect(localImageRef(ref)).toBe(ref);
  });
});
