import { renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnDetached } from "../exec/daemon.ts";
import { searchPath } from "../engine/host-tools.ts";
import type { UndoStep } from "./undo-step.ts";

/**
 * Every resource a grading run creates (engine, builder, registry, temp dir) registers its
 * disposer here, so that a SIGINT or SIGTERM in the middle of a build still removes it all.
 * Each may also record how to undo it from outside (`fallback`): a journal a detached reaper
 * process acts on if this process dies before its disposers ran (SIGKILL, a test runner that
 * kills its workers mid-cleanup).
 */
type Disposer = () => Promise<void>;

const disposers = new Map<number, { label: string; dispose: Disposer }>();
let nextId = 1;
let handlersInstalled = false;
let shuttingDown = false;

export function registerCleanup(label: string, dispose: Disposer): () => void {
  installSignalHandlers();
  const id = nextId++;
  disposers.set(id, { label, dispose });
  return () => {
    disposers.delete(id);
  };
}

const journal = new Map<number, { label: string; steps: UndoStep[] }>();
const journalFile = join(tmpdir(), `bkg-reaper-${process.pid}.json`);
let reaperStarted = false;
const ids = new WeakMap<Disposer, number>();

/** Records how to undo a registered resource if this process dies before disposing of it. */
export function fallback(dispose: Disposer, steps: readonly UndoStep[]): void {
  const id = ids.get(dispose);
  if (id === undefined || !disposers.has(id)) return;
  const entry = journal.get(id) ?? { label: disposers.get(id)?.label ?? "", steps: [] };
  entry.steps.push(...steps);
  journal.set(id, entry);
  writeJournal();
  startReaper();
}

function writeJournal(): void {
  // Written whole and renamed into place: the reaper never reads half a journal.
  const temp = `${journalFile}.tmp`;
  // Only its owner may change it: a journal says what to remove and run (journal-replay.ts).
  writeFileSync(temp, JSON.stringify(Object.fromEntries(journal)), { mode: 0o600 });
  renameSync(temp, journalFile);
}

function startReaper(): void {
  if (reaperStarted) return;
  reaperStarted = true;
  const root = fileURLToPath(new URL("../..", import.meta.url));
  // In its own session: it outlives this process, a terminal's Ctrl-C included.
  spawnDetached(
    process.execPath,
    ["--import", "tsx", join(root, "harness/lifecycle/reaper.ts"), journalFile, String(process.pid)],
    {
      cwd: root,
      env: { PATH: searchPath() },
    },
  );
  process.on("exit", () => {
    // A clean exit: nothing for the reaper to do, and the journal goes with us.
    if (journal.size === 0) rmSync(journalFile, { force: true });
  });
}

/**
 * Runs all pending disposers, newest first (a builder goes before the engine it runs on). A
 * resource whose set-up was under way when the signal came (its folder made, its disposer not
 * yet registered) registers during the first pass: passes repeat until none is left.
 */
export async function disposeAll(): Promise<void> {
  for (let pass = 0; pass < MAX_PASSES && disposers.size > 0; pass++) {
    const pending = [...disposers.entries()].reverse();
    disposers.clear();
    for (const [, { label, dispose }] of pending) {
      try {
        await dispose();
      } catch (error) {
        process.stderr.write(`cleanup of ${label} failed: ${String(error)}\n`);
      }
    }
  }
}
// A set-up makes a handful of resources one after another; more passes would mean a loop.
const MAX_PASSES = 20;

export function pendingCleanups(): string[] {
  return [...disposers.values()].map((d) => d.label);
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (disposers.size > 0)
        process.stderr.write(`\n${signal}: removing builders, engines and temp files before exiting...\n`);
      void disposeAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}

/**
 * A resource's disposer, registered for signals and safe to call more than once: the first call
 * unregisters it and runs `body`; later calls wait for that same run.
 */
export function registerDisposer(label: string, body: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const dispose = (): Promise<void> =>
    (running ??= (async () => {
      unregister();
      let done = false;
      try {
        await body();
        done = true;
      } finally {
        // Only now: if this process dies in the middle of `body`, the reaper finishes it. If
        // `body` failed (a folder still busy), the reaper retries all but the kills after this
        // process ends: by then a pid may belong to someone else.
        const entry = journal.get(id);
        if (done || !entry) journal.delete(id);
        else
          journal.set(id, {
            ...entry,
            steps: entry.steps.filter((s) => !("kill" in s || "killPidFile" in s)),
          });
        if (entry) writeJournal();
      }
    })());
  const unregister = registerCleanup(label, dispose);
  const id = nextId - 1;
  ids.set(dispose, id);
  return dispose;
}
