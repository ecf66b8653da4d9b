// The reaper: started detached by the first grading resource of a process, it watches that
// process and, if it dies before its cleanup finished (SIGKILL, a test runner tearing down its
// workers mid-cleanup, a crash), undoes what its journal still lists. Usage: reaper JOURNAL PID
import { readFile, rm } from "node:fs/promises";
import { exec } from "../exec/exec.ts";
import { removeCgroupEverywhere } from "../sandbox/cgroup-tree.ts";
import { orderUndo, type UndoStep } from "./undo-step.ts";

const [journal, pidText] = process.argv.slice(2);
const watched = Number(pidText);
if (!journal || !Number.isInteger(watched) || watched <= 0) {
  process.stderr.write("usage: reaper JOURNAL PID\n");
  process.exit(2);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const kill = (pid: number): void => {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // already gone
    }
  }
};

async function unmountUnder(dir: string): Promise<void> {
  const info = await readFile("/proc/self/mountinfo", "utf8").catch(() => "");
  const points = info
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await exec("umount", ["-l", point], { reject: false, timeoutMs: 10_000 });
}

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
  if (!alive(watched)) {
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
