import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import { exec } from "../exec/exec.ts";
import type { BuildEnvironment } from "./build-environment.ts";
import { findLeftoverProcesses, findSandboxLeftovers } from "./leftovers.ts";
import { openEnvironment } from "./open-environment.ts";
import { startRunRegistry } from "./run-registry.ts";
import { MIRROR, writeContext } from "./testdata/engine-fixtures.ts";

async function expectNothingLeft(workDir: string, sandbox?: string): Promise<void> {
  expect(await findLeftoverProcesses(workDir)).toEqual([]);
  expect(existsSync(workDir)).toBe(false);
  if (sandbox) {
    expect(await findSandboxLeftovers(sandbox, workDir)).toEqual([]);
    const rules = await exec("iptables", ["-w", "-S"], { timeoutMs: 10_000 });
    expect(rules.stdout).not.toContain(`BKG-${sandbox.replace(/^bkg-n/, "")}`);
  }
}

const sandboxOf = (env: BuildEnvironment): string | undefined => env.limits?.cgroupParent.slice(1);

async function runAndDispose(dockerfile: string, timeoutMs: number) {
  const env = await openEnvironment({ mirror: MIRROR });
  const context = await writeContext(dockerfile);
  try {
    return {
      env,
      result: await new BuildCommand(new Buildx(env)).run({
        label: "t",
        context,
        output: "cacheonly",
        network: "none",
        timeoutMs,
      }),
    };
  } finally {
    await env.dispose();
    await rm(context, { recursive: true, force: true });
  }
}

describe("cleanup on every path out", () => {
  it("after a normal run", async () => {
    const { env, result } = await runAndDispose("FROM busybox\nRUN echo ok\n", 120_000);
    expect(result.ok).toBe(true);
    await expectNothingLeft(env.workDir, sandboxOf(env));
  });

  it("after a failed build, which is a result naming the step and its log", async () => {
    const { env, result } = await runAndDispose("FROM busybox\nRUN echo about to fail && exit 7\n", 120_000);
    expect(result.ok).toBe(false);
    expect(result.failure?.step).toContain("RUN echo about to fail && exit 7");
    expect(result.failure?.message).toContain("exit code: 7");
    expect(result.failure?.logTail).toContain("about to fail");
    await expectNothingLeft(env.workDir, sandboxOf(env));
  });

  it("after a build killed by its timeout", async () => {
    const started = Date.now();
    const { env, result } = await runAndDispose("FROM busybox\nRUN sleep 300\n", 4000);
    expect(result.ok).toBe(false);
    expect(result.failure?.timedOut).toBe(true);
    expect(result.failure?.message).toMatch(/did not finish within 4s/);
    expect(Date.now() - started).toBeLessThan(60_000);
    await expectNothingLeft(env.workDir, sandboxOf(env));
  });

  it("after SIGINT in the middle of a build", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./testdata/sigint-child.ts", import.meta.url).pathname],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout });
    let info: { workDir: string; registry: string; sandbox: string } | undefined;
    for await (const line of lines) {
      if (line.startsWith("{"))
        info = JSON.parse(line) as { workDir: string; registry: string; sandbox: string };
      if (line === "BUILDING") break;
    }
    expect(info).toBeDefined();
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    if (info) {
      await expectNothingLeft(info.workDir, info.sandbox);
      expect(
        await fetch(`http://${info.registry}/v2/`).then(
          () => "up",
          () => "down",
        ),
      ).toBe("down");
    }
  });

  it("a run registry is gone after dispose", async () => {
    const registry = await startRunRegistry();
    expect((await fetch(`http://${registry.host}/v2/`)).ok).toBe(true);
    await registry.dispose();
    expect(
      await fetch(`http://${registry.host}/v2/`).then(
        () => "up",
        () => "down",
      ),
    ).toBe("down");
  });
});
