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
import { waitUntil } from "../util/wait-until.ts";

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

  /** Starts a grading-like process, waits until its build runs, signals it, and checks what is left. */
  async function interrupt(
    command: readonly string[],
    signal: NodeJS.Signals,
    group: boolean,
  ): Promise<number | null> {
    const [file = process.execPath, ...args] = command;
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "inherit"], detached: group });
    const lines = createInterface({ input: child.stdout });
    let info: { workDir: string; registry: string; sandbox: string } | undefined;
    for await (const line of lines) {
      const json = line.indexOf('{"workDir"');
      if (json >= 0)
        info = JSON.parse(line.slice(json)) as { workDir: string; registry: string; sandbox: string };
      if (line.includes("BUILDING")) break;
    }
    expect(info).toBeDefined();
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => {
        resolve(code);
      }),
    );
    // A terminal's Ctrl-C reaches the whole foreground process group: the test runner and its workers.
    if (group && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
    const code = await exited;
    if (info) {
      const { workDir, sandbox, registry } = info;
      // The reaper may still be at work for a moment after a SIGKILL.
      await waitUntil(
        async () => (await findSandboxLeftovers(sandbox, workDir)).length === 0 && !existsSync(workDir),
        {
          timeoutMs: 30_000,
          intervalMs: 250,
        },
      );
      await expectNothingLeft(workDir, sandbox);
      expect(
        await fetch(`http://${registry}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
          () => "up",
          () => "down",
        ),
      ).toBe("down");
    }
    return code;
  }
  const child = ["--import", "tsx", new URL("./testdata/sigint-child.ts", import.meta.url).pathname];

  it("after SIGINT in the middle of a build", async () => {
    expect(await interrupt([process.execPath, ...child], "SIGINT", false)).toBe(130);
  });

  it("after SIGKILL, which no handler sees: the reaper undoes the run", async () => {
    expect(await interrupt([process.execPath, ...child], "SIGKILL", false)).toBe(null);
  });

  it("after Ctrl-C in the middle of a build under the test runner, as in npm test", async () => {
    const vitest = new URL("../../node_modules/vitest/vitest.mjs", import.meta.url).pathname;
    const config = new URL("./testdata/vitest.interrupt.config.ts", import.meta.url).pathname;
    await interrupt([process.execPath, vitest, "run", "--config", config], "SIGINT", true);
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
