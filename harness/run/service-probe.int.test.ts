import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { listenOnLoopback, type LoopbackListener } from "../sandbox/testing/loopback-listener.ts";
import { ServiceProbe } from "./service-probe.ts";

// SECURITY.md, issue 33 item 12 (b): the learner's service answers the health probe with a
// redirect to a service on the grading host's loopback. The probe takes the redirect as the
// answer; following it would quote a host service's reply in the report.
describe("the health probe of a learner's service", () => {
  let env: BuildEnvironment;
  let listener: LoopbackListener;
  let image: string;
  beforeAll(async () => {
    listener = await listenOnLoopback("a host service the grader must never reach\n");
    env = await openEnvironment({ mirror: MIRROR });
    image = `${env.registry.host}/attack/redirect:1`;
    const target = `http://127.0.0.1:${String(listener.port)}/`;
    const server = `require("http").createServer((q, s) => { s.writeHead(302, { Location: "${target}" }); s.end("moved"); }).listen(Number(process.env.PORT), "0.0.0.0")`;
    const context = await writeContext(
      `FROM node:20-alpine\nCMD ["node", "-e", ${JSON.stringify(server)}]\n`,
    );
    try {
      const built = await new BuildCommand(new Buildx(env)).run({
        label: "redirect",
        context,
        tags: [image],
        output: "push",
        network: "none",
        timeoutMs: 120_000,
      });
      expect(built.ok, built.failure?.message).toBe(true);
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  }, 300_000);
  afterAll(async () => {
    await env.dispose();
    await listener.close();
  });

  it("takes a redirect to the host's loopback as the service's answer, and never follows it", async () => {
    const result = await new ServiceProbe(env.dockerHost, env.probeHost).probe({
      image,
      platform: "linux/amd64",
      path: "/health",
      portVariable: "PORT",
      timeoutMs: 20_000,
    });
    expect(result.healthy).toBe(false);
    expect(result.detail).toMatch(/^HTTP 302/);
    expect(JSON.stringify(result)).not.toContain("must never reach");
    expect(listener.connections).toEqual([]);
  });
});
