import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR } from "../engine/testdata/engine-fixtures.ts";
import { ContainerScript } from "../run/container-script.ts";
import { Cosign } from "./cosign.ts";
import { buildReleaseRunner } from "./release-runner.ts";
import { pushTinyIndex } from "./testing/push-index.ts";

// Exercise 06's release script runs here: a shell with cosign, the run's key pair copied in, and
// only the run's namespace (its registry) to talk to. What it signs, the grader verifies.
describe("the release runner", () => {
  let env: BuildEnvironment;
  let dir: string;
  let image: string;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    image = await buildReleaseRunner(new Buildx(env));
    dir = await mkdtemp(join(tmpdir(), "runner-test-"));
  });
  afterAll(async () => {
    await env.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("signs by digest, inside a container, what the grader then verifies with the public key", async () => {
    const cosign = new Cosign(dir);
    const keys = await cosign.generateKeyPair(dir, "run-password");
    const digest = await pushTinyIndex(env.registry.host, "shop/status", "release");
    const reference = `${env.registry.host}/shop/status@${digest}`;
    const run = await new ContainerScript(env.dockerHost).run({
      image,
      files: {
        "release.sh": {
          content:
            'set -eu\ncosign sign --key cosign.key --tlog-upload=false --allow-insecure-registry --yes "$IMAGE"\n',
          mode: 0o755,
        },
        "cosign.key": { content: await readFile(keys.privateKey, "utf8"), mode: 0o600 },
      },
      command: ["/bin/sh", "./release.sh"],
      workdir: "/release",
      env: { IMAGE: reference, COSIGN_PASSWORD: keys.password, HOME: "/release" },
      network: "host",
      timeoutMs: 60_000,
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(await cosign.verify(reference, keys.publicKey)).toMatchObject({ ok: true, found: [{ digest }] });
  });
});
