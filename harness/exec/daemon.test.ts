import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, spawnDaemon } from "./daemon.ts";

// A daemon that ignores SIGTERM.
const STUBBORN = ["-c", 'trap "" TERM; echo up; while :; do sleep 0.05; done'];

describe("spawnDaemon's stop", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function start() {
    const dir = await mkdtemp(join(tmpdir(), "daemon-test-"));
    dirs.push(dir);
    const logFile = join(dir, "log");
    const daemon = spawnDaemon("/bin/sh", STUBBORN, { env: { PATH: "/usr/bin:/bin" }, logFile });
    // Started once it wrote its line, so the trap is in place before any signal.
    for (let i = 0; i < 100 && !(await readFile(logFile, "utf8").catch(() => "")).includes("up"); i++)
      await new Promise((r) => setTimeout(r, 20));
    return daemon;
  }

  it("kills a daemon that ignores SIGTERM once the grace ends", async () => {
    const daemon = await start();
    const t0 = performance.now();
    await daemon.stop(400);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(350);
    expect(took).toBeLessThan(5000);
    expect(daemon.hasExited()).toBe(true);
    expect(isAlive(daemon.pid)).toBe(false);
  });

  it("does not kill a daemon that exits on SIGTERM by itself", async () => {
    const dir = await mkdtemp(join(tmpdir(), "daemon-test-"));
    dirs.push(dir);
    const daemon = spawnDaemon("/bin/sleep", ["30"], { env: {}, logFile: join(dir, "log") });
    await daemon.stop(30_000);
    // sleep dies of SIGTERM: no exit code, and well before the grace.
    expect(await daemon.exited).toBeUndefined();
  });
});
