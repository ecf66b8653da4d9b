// The reaper: started detached by the first grading resource of a process, it watches that
// process and, if it dies before its cleanup finished (SIGKILL, a test runner tearing down its
// workers mid-cleanup, a crash), undoes what its journal still lists. Usage: reaper JOURNAL PID
import { readFile, rm } from "node:fs/promises";
import { exec } from "../exec/exec.ts";
import { isAlive, killPid } from "../exec/daemon.ts";
import { unmountUnder } from "./unmount.ts";
import { removeCgroupEverywhere } from "../sandbox/cgroup-tree.ts";
import { orderUndo, type UndoStep } from "./undo-step.ts";

const [journal, pidText] = process.argv.slice(2);
const watched = Number(pidText);
if (!journal || !Number.isInteger(watched) || watched <= 0) {
  process.stderr.write("usage: reaper JOURNAL PID\n");
  process.exit(2);
}

/** SIGKILL to a daemon's process group and to the process itself. */
const kill = (pid: number): void => {
  killPid(-pid);
  killPid(pid);
};

async function undo(step: UndoStep): Promise<void> {
  if ("kill" in step) kill(step.kill);
  else if ("killPidFile" in step) {
    const pid = Number((await readFile(step.killPidFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0) kill(pid);
  } else if ("unmountUnder" in step) await unmountUnder(step.unmountUnder);
  else if ("cgroup" in step) await removeCgroupEverywhere(step.cgroup);
  else if ("run" in step) {
    const [file, ...args] = step.run;
    if (file)
      await exec(file, args, { reject: false, timeoutMs: 60_000, ...(step.env ? { env: step.env } : {}) });
  } else await rm(step.remove, { recursive: true, force: true, maxRetries: 3 });
}

for (;;) {
  const text = await readFile(journal, "utf8").catch(() => undefined);
  // The journal goes when the process ended cleanly: nothing to do.
  if (text === undefined) process.exit(0);
  if (!isAlive(watched)) {
    const entries = Object.values(JSON.parse(text) as Record<string, { steps: UndoStep[] }>).map(
      (e) => e.steps,
    );
    const steps = orderUndo(entries);
    for (const step of steps.filter((s) => "kill" in s || "killPidFile" in s)) await undo(step);
    await new Promise((r) => setTimeout(r, 1000));
    for (const step of steps)
      if (!("kill" in step || "killPidFile" in step)) await undo(step).catch(() => undefined);
    await rm(journal, { force: true });
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 250));
}
