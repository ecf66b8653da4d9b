// The reaper: started detached by the first grading resource of a process, it watches that
// process and, if it dies before its cleanup finished (SIGKILL, a test runner tearing down its
// workers mid-cleanup, a crash), undoes what its journal still lists. Usage: reaper JOURNAL PID
import { readFile } from "node:fs/promises";
import { isAlive } from "../exec/daemon.ts";
import { replayJournal } from "./journal-replay.ts";

const [journal, pidText] = process.argv.slice(2);
const watched = Number(pidText);
if (!journal || !Number.isInteger(watched) || watched <= 0) {
  process.stderr.write("usage: reaper JOURNAL PID\n");
  process.exit(2);
}

for (;;) {
  const text = await readFile(journal, "utf8").catch(() => undefined);
  // The journal goes when the process ended cleanly: nothing to do.
  if (text === undefined) process.exit(0);
  if (!isAlive(watched)) {
    await replayJournal(journal, text);
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 250));
}
