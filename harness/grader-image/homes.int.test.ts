import { cp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listExercises, loadExercise } from "../grading/exercise.ts";
import { listWrongFixtures } from "../grading/fixtures.ts";
import { waitUntil } from "../util/wait-until.ts";
import { exec } from "../exec/exec.ts";
import { learnerMachine, type LearnerMachine } from "./testing/learner-machine.ts";
import {
  added,
  heldByLiveHostRun,
  hostSnapshot,
  liveRunDirs,
  type HostSnapshot,
} from "./testing/host-snapshot.ts";
import { homesPlan, type HomeCase } from "./testing/homes-plan.ts";
import { desktopEngine, type DesktopEngine } from "./testing/desktop-engine.ts";

/**
 * This machine standing in for a learner's (an unprivileged user, provision.sh's tools hidden,
 * the shared Docker engine) as a new learner meets the course: npm ci, solve, npm test. Every
 * verdict must be the one a provisioned host gives, and the engine must keep nothing but the
 * grader image. `npm run test:homes` grades all six exercises, right and wrong; the full suite
 * grades the plan's short list.
 */
const plan = homesPlan(process.env["GRADER_HOMES"]);

describe("a learner's own machine: Docker Engine as a user, nothing of provision.sh", () => {
  let machine: LearnerMachine;
  let before: HostSnapshot;
  const engineEnv = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };

  beforeAll(async () => {
    before = await hostSnapshot(engineEnv);
    machine = await learnerMachine({});
    await installProject(machine);
  }, 900_000);

  afterAll(async () => {
    await machine.dispose();
  });

  it.each(plan.cleanHost.map((round) => ({ round, label: round.map((c) => c.label).join(", ") })))(
    "npm test grades $label as on a provisioned host",
    async ({ round }) => {
      await gradeWithNpmTest(machine, round);
    },
  );

  it("Ctrl-C during a grading in the image stops it and removes the container and its runs", async () => {
    await prepareWorkspaces(machine, [{ exercise: "01-cache-mounts", label: "01" }]);
    const logFile = join(machine.home, "interrupted.log");
    const npmTest = machine.start(["npm", "test"], { logFile });
    // Interrupted once a run's engine is up inside the container: the hardest moment to clean.
    const running = await waitUntil(
      async () => {
        const names = (await hostSnapshot(engineEnv)).containers.filter((c) => c.startsWith("bk-grader-"));
        const name = names[0]?.split(" ")[0];
        if (!name) return false;
        const inside = await exec("docker", ["exec", name, "sh", "-c", "ls /tmp | grep -c '^bkg-' || true"], {
          env: engineEnv,
          reject: false,
          timeoutMs: 20_000,
        });
        return Number(inside.stdout.trim()) > 0;
      },
      { timeoutMs: 600_000, intervalMs: 1000, gaveUp: () => npmTest.hasExited() },
    );
    expect(running, await readFile(logFile, "utf8").catch(() => "")).toBe(true);
    process.kill(-npmTest.pid, "SIGINT");
    const status = await Promise.race([npmTest.exited, new Promise((r) => setTimeout(r, 180_000, "hung"))]);
    expect(status).not.toBe("hung");
    // The container is stopped with a minute's grace for the grading inside to clean up, by
    // the grader's own handler or, if vitest ended it first, by its journal's reaper.
    const gone = await waitUntil(
      async () => (await hostSnapshot(engineEnv)).containers.every((c) => !c.startsWith("bk-grader-")),
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    expect(gone, (await hostSnapshot(engineEnv)).containers.join("\n")).toBe(true);
  });

  it("leaves nothing on the engine or the machine but the grader image", async () => {
    let extra = added(before, await hostSnapshot(engineEnv));
    let live = await liveRunDirs();
    // Other test files grade on this machine's own engine meanwhile: their live runs' cgroups,
    // links, rules and mounts are theirs. What is left of the image's runs must go.
    const ours = (): string[] => extra.machine.filter((entry) => !heldByLiveHostRun(entry, live));
    await waitUntil(
      async () => {
        extra = added(before, await hostSnapshot(engineEnv));
        live = await liveRunDirs();
        return ours().length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 2000 },
    );
    expect(extra.containers).toEqual([]);
    expect(extra.volumes).toEqual([]);
    expect(extra.networks).toEqual([]);
    expect(extra.images.filter((i) => !i.startsWith("bk-grader:"))).toEqual([]);
    expect(ours()).toEqual([]);
  });
});

// Skipped in the full suite (homes-plan.ts: 14 minutes of it on 2 cores); npm run test:homes runs it.
describe.runIf(plan.desktop.length > 0)(
  "Docker Desktop: the engine in a VM of its own, no loopback shared with the learner",
  () => {
    let engine: DesktopEngine;
    let machine: LearnerMachine;

    beforeAll(async () => {
      engine = await desktopEngine();
      machine = await learnerMachine({
        dockerHost: engine.dockerHost,
        // No mirror on the learner's side: the image's own cache of "Docker Hub" is used.
        env: { GRADER_MIRROR: "none", GRADER_HUB_UPSTREAM: engine.hubUpstream },
        dockerConfig: {
          proxies: {
            default: {
              httpProxy: engine.buildProxy,
              httpsProxy: engine.buildProxy,
              noProxy: "localhost,127.0.0.1",
            },
          },
        },
      });
      await installProject(machine);
    }, 900_000);

    afterAll(async () => {
      await machine.dispose();
      await engine.dispose();
    });

    it.each(plan.desktop.map((round) => ({ round, label: round.map((c) => c.label).join(", ") })))(
      "npm test grades $label as on a provisioned host",
      async ({ round }) => {
        await gradeWithNpmTest(machine, round);
      },
    );

    // Only in npm run test:homes, as the stand-in itself (a second full grading of 02).
    it.runIf(plan.repeatOnDesktop)(
      "a second grading fetches no layer from Docker Hub: the volume's cache serves them",
      async () => {
        engine.resetCount();
        await gradeWithNpmTest(machine, [{ exercise: "02-multi-platform", label: "02 again" }]);
        const fetched = engine.upstreamRequests();
        process.stdout.write(
          `second grading of 02: ${String(fetched.length)} request(s) reached Docker Hub: ${fetched.join("; ")}\n`,
        );
        expect(fetched.filter((r) => r.includes("/blobs/"))).toEqual([]);
      },
    );
  },
);

/** The learner's first step: npm ci, from npm's cache where it has the package. */
async function installProject(machine: LearnerMachine): Promise<void> {
  const install = await machine.run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], {
    timeoutMs: 600_000,
  });
  expect(install.exitCode, install.stderr.slice(-2000)).toBe(0);
}

/** Lays each case's files over its workspace, runs npm test, and checks every report. */
async function gradeWithNpmTest(machine: LearnerMachine, cases: readonly HomeCase[]): Promise<void> {
  const expected = await prepareWorkspaces(machine, cases);
  const run = await machine.run(["npm", "test"], { timeoutMs: 1_800_000 });
  const log = `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`;
  for (const [id, failing] of expected) {
    const text = await readFile(join(machine.project, "reports", `${id}.json`), "utf8").catch(() => "");
    expect(text, `no report for ${id}:\n${log}`).not.toBe("");
    const report = JSON.parse(text) as { status: string; checks: { id: string; status: string }[] };
    expect(report.status, log).toBe(failing.length === 0 ? "passed" : "failed");
    const failed = report.checks.filter((c) => c.status !== "passed").map((c) => c.id);
    expect(failed.sort(), log).toEqual([...failing].sort());
  }
  expect(run.exitCode, log).toBe([...expected.values()].some((f) => f.length > 0) ? 1 : 0);
}

async function prepareWorkspaces(
  machine: LearnerMachine,
  cases: readonly HomeCase[],
): Promise<Map<string, readonly string[]>> {
  const expected = new Map<string, readonly string[]>();
  for (const exercise of await listExercises()) {
    const workspace = join(machine.project, "exercises", exercise.id, "workspace");
    const c = cases.find((x) => x.exercise === exercise.id);
    // Every other exercise as handed out: npm test skips it.
    await rm(workspace, { recursive: true, force: true });
    await cp(exercise.workspace, workspace, { recursive: true });
    if (!c) continue;
    await cp(join(exercise.dir, "solution"), workspace, { recursive: true });
    let failing: readonly string[] = [];
    if (c.wrong) {
      const fixture = (await listWrongFixtures(await loadExercise(c.exercise))).find(
        (f) => f.name === c.wrong,
      );
      if (!fixture) throw new Error(`${c.exercise} has no wrong fixture ${c.wrong}`);
      await cp(fixture.dir, workspace, { recursive: true, filter: (src) => !src.endsWith("expected.json") });
      failing = fixture.failing;
    }
    expected.set(exercise.id, failing);
  }
  await machine.chown(join(machine.project, "exercises"));
  return expected;
}
