import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { dockerClient } from "../engine/docker-client.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR } from "../engine/testdata/engine-fixtures.ts";
import { ContainerScript } from "./container-script.ts";
import { ServiceProbe } from "./service-probe.ts";

const IMAGE = "debian:bookworm-slim";

// A learner's script run as data: files copied in, bounded time and output, nothing left.
describe("a script run in a container of the run's engine", () => {
  let env: BuildEnvironment;
  let runner: ContainerScript;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    await new ServiceProbe(env.dockerHost).pull(IMAGE, "linux/amd64");
    runner = new ContainerScript(env.dockerHost);
  });
  afterAll(async () => {
    await env.dispose();
  });

  const run = (script: string, extra: { timeoutMs?: number; outputBytes?: number } = {}) =>
    runner.run({
      image: IMAGE,
      files: {
        "release.sh": { content: script, mode: 0o755 },
        "key.pem": { content: "secret\n", mode: 0o600 },
      },
      command: ["/bin/sh", "./release.sh"],
      workdir: "/work",
      env: { IMAGE_REF: "registry.test/shop/status@sha256:abc" },
      network: "none",
      timeoutMs: extra.timeoutMs ?? 30_000,
      ...(extra.outputBytes ? { outputBytes: extra.outputBytes } : {}),
    });

  it("probes an image and leaves the engine's images as it found them", async () => {
    const docker = dockerClient(env.dockerHost);
    const probe = new ServiceProbe(env.dockerHost);
    const request = { platform: "linux/amd64", path: "/", portVariable: "PORT", timeoutMs: 5000 };
    // Neither answers (their shell exits at once): what matters is what stays behind.
    const pulled = await probe.probe({ ...request, image: "alpine:3.19" });
    expect(pulled.healthy).toBe(false);
    await expect(docker.getImage("alpine:3.19").inspect()).rejects.toThrow();
    await probe.probe({ ...request, image: IMAGE });
    expect((await docker.getImage(IMAGE).inspect()).Id).toMatch(/^sha256:/);
  });

  it("runs the copied script with its files, modes and variables, and keeps its exit code and output", async () => {
    const result = await run(
      'set -e\ntest -x release.sh\nstat -c %a key.pem\necho "ref=$IMAGE_REF"\necho oops >&2\nexit 3\n',
    );
    expect(result.error).toBeUndefined();
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain("600");
    expect(result.output).toContain("ref=registry.test/shop/status@sha256:abc");
    expect(result.output).toContain("oops");
    expect(result.truncated).toBe(false);
    // What a script prints as its very last act is kept, however fast it then exits.
    const last = await run("head -c 30000 /dev/zero | tr '\\0' x\necho END\n");
    expect(last.output).toMatch(/^x{30000}END\n$/);
  });

  it("stops a script that runs too long, and bounds what it prints", async () => {
    const slow = await run("sleep 60\n", { timeoutMs: 2000 });
    expect(slow.timedOut).toBe(true);
    expect(slow.durationMs).toBeLessThan(20_000);
    const loud = await run("yes 0123456789 | head -c 300000\n", { outputBytes: 4096 });
    expect(loud.exitCode).toBe(0);
    expect(loud.truncated).toBe(true);
    expect(Buffer.byteLength(loud.output)).toBeLessThanOrEqual(4096);
  });

  it("leaves no container behind", async () => {
    expect(await dockerClient(env.dockerHost).listContainers({ all: true })).toEqual([]);
  });
});
