import { lstat, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec/exec.ts";
import { isAlive, killPid } from "../exec/daemon.ts";
import { removeCgroupEverywhere } from "../sandbox/cgroup-tree.ts";
import { findLeftoverProcesses } from "../engine/leftovers.ts";
import { unmountUnder } from "./unmount.ts";
import { orderUndo, type UndoStep } from "./undo-step.ts";

/** A journal's file name: the pid of the grading process that wrote it. */
const JOURNAL_NAME = /^bkg-reaper-(\d+)\.json$/;
/** Journals younger than this may still be being written: left to their process. */
const ORPHAN_AGE_MS = 30_000;

/** SIGKILL to a daemon's process group and to the process itself. */
function kill(pid: number): void {
  killPid(-pid);
  killPid(pid);
}

/** Whether a pid may be killed: always for a reaper (the death is seconds old), else see below. */
type KillGuard = (pid: number) => Promise<boolean>;

async function undo(step: UndoStep, mayKill: KillGuard): Promise<void> {
  if ("kill" in step) {
    if (await mayKill(step.kill)) kill(step.kill);
  } else if ("killPidFile" in step) {
    const pid = Number((await readFile(step.killPidFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0 && (await mayKill(pid))) kill(pid);
  } else if ("unmountUnder" in step) await unmountUnder(step.unmountUnder);
  else if ("cgroup" in step) await removeCgroupEverywhere(step.cgroup);
  else if ("run" in step) {
    const [file, ...args] = step.run;
    if (file)
      await exec(file, args, { reject: false, timeoutMs: 60_000, ...(step.env ? { env: step.env } : {}) });
  } else await rm(step.remove, { recursive: true, force: true, maxRetries: 3 });
}

/** The labels and undo steps a journal's text lists; a journal that does not parse lists none. */
export function parseJournal(text: string): { label: string; steps: UndoStep[] }[] {
  try {
    const entries = JSON.parse(text) as Record<string, { label?: unknown; steps?: unknown }>;
    return Object.values(entries)
      .filter((e) => Array.isArray(e.steps))
      .map((e) => ({ label: typeof e.label === "string" ? e.label : "?", steps: e.steps as UndoStep[] }));
  } catch {
    return [];
  }
}

/**
 * Undoes what a journal lists: kills first, a second for the killed to let go of their mounts,
 * then the rest (each step's failure ignored: the next may still succeed), then the journal.
 */
export async function replayJournal(
  file: string,
  text: string,
  mayKill: KillGuard = () => Promise.resolve(true),
): Promise<void> {
  const steps = orderUndo(parseJournal(text).map((e) => e.steps));
  const kills = steps.filter((s) => "kill" in s || "killPidFile" in s);
  for (const step of kills) await undo(step, mayKill).catch(() => undefined);
  if (kills.length > 0) await new Promise((r) => setTimeout(r, 1000));
  for (const step of steps)
    if (!("kill" in step || "killPidFile" in step)) await undo(step, mayKill).catch(() => undefined);
  await rm(file, { force: true });
}

/**
 * An orphan's pids may have been reused since (minutes or days ago): a process is killed only
 * when its command line names one of the run's own folders, as its daemons' do.
 */
export function ownedByRun(steps: readonly UndoStep[]): KillGuard {
  const folders = steps.flatMap((s) =>
    "remove" in s ? [s.remove] : "unmountUnder" in s ? [s.unmountUnder] : [],
  );
  return async (pid) => {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ");
    return folders.some((f) => f.length > 1 && cmdline.includes(f));
  };
}

/**
 * Journals whose grading process and reaper both died (a machine or session cut off, a
 * `kill -9` of the process group): what they list is still in the system. Replayed by the next
 * grading, so leftovers do not pile up run after run. Returns the labels undone.
 */
export async function reapOrphanJournals(
  dir: string,
  options: {
    now?: number;
    alive?: (pid: number) => boolean;
    /** Whether a reaper still watches this journal (it then does the work itself). */
    watched?: (file: string) => Promise<boolean>;
  } = {},
): Promise<string[]> {
  const now = options.now ?? Date.now();
  const alive = options.alive ?? isAlive;
  const watched = options.watched ?? (async (file: string) => (await findLeftoverProcesses(file)).length > 0);
  const undone: string[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const pid = Number(JOURNAL_NAME.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    const file = join(dir, name);
    const info = await lstat(file).catch(() => undefined);
    // The temp folder is everyone's: a journal is acted on (it removes folders, runs commands)
    // only when this user wrote it and no one else can have changed it. No links.
    if (!info?.isFile() || info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) continue;
    if (now - info.mtimeMs < ORPHAN_AGE_MS || (await watched(file))) continue;
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const entries = parseJournal(text);
    undone.push(...entries.map((e) => e.label));
    await replayJournal(file, text, ownedByRun(entries.flatMap((e) => e.steps)));
  }
  return undone;
}
