import { chmod, mkdtemp, readdir, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ownedByRun, parseJournal, reapOrphanJournals } from "./journal-replay.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function journalFor(dir: string, pid: number, leftover: string, ageMs: number): Promise<string> {
  const file = join(dir, `bkg-reaper-${pid}.json`);
  await writeFile(file, JSON.stringify({ 3: { label: `temp ${leftover}`, steps: [{ remove: leftover }] } }));
  const when = new Date(Date.now() - ageMs);
  await utimes(file, when, when);
  return file;
}

describe("orphan journal replay", () => {
  it("undoes a stale journal of a dead process and leaves live, fresh, watched and foreign ones alone", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bkg-journal-test-"));
    dirs.push(dir);
    const left = ["dead", "alive", "fresh"].map((n) => join(dir, `${n}-leftover`));
    for (const f of left) await writeFile(f, "x");
    await journalFor(dir, 4_000_001, left[0] ?? "", 60_000);
    await journalFor(dir, 4_000_002, left[1] ?? "", 60_000);
    await journalFor(dir, 4_000_003, left[2] ?? "", 1_000);
    const watchedFile = await journalFor(dir, 4_000_004, left[2] ?? "", 60_000);
    await writeFile(join(dir, "bkg-reaper-x.json"), "{}");
    // Anyone may write to the temp folder: a journal others can change, or a link, is ignored.
    const shared = await journalFor(dir, 4_000_005, left[1] ?? "", 60_000);
    await chmod(shared, 0o666);
    await symlink(
      await journalFor(dir, 4_000_006, left[1] ?? "", 60_000),
      join(dir, "bkg-reaper-4000007.json"),
    );
    const undone = await reapOrphanJournals(dir, {
      alive: (pid) => pid === 4_000_002 || pid === 4_000_006,
      watched: (file) => Promise.resolve(file === watchedFile),
    });
    expect(undone).toEqual([`temp ${left[0] ?? ""}`]);
    expect((await readdir(dir)).sort()).toEqual(
      [
        "alive-leftover",
        "bkg-reaper-4000002.json",
        "bkg-reaper-4000003.json",
        "bkg-reaper-4000004.json",
        "bkg-reaper-4000005.json",
        "bkg-reaper-4000006.json",
        "bkg-reaper-4000007.json",
        "bkg-reaper-x.json",
        "fresh-leftover",
      ].sort(),
    );
  });

  it("kills an orphan's pid only when its command line names one of the run's folders", async () => {
    // This test process's command line names the repository's folders, not a run's.
    const guard = ownedByRun([
      { remove: "/tmp/bkg-run-that-is-gone" },
      { unmountUnder: "/tmp/bkg-run-that-is-gone" },
    ]);
    expect(await guard(process.pid)).toBe(false);
    const own = process.argv[1] ?? "";
    expect(await ownedByRun([{ remove: own }])(process.pid)).toBe(own.length > 1);
    expect(await ownedByRun([{ remove: "/" }])(process.pid)).toBe(false);
  });

  it("reads a broken journal as listing nothing", () => {
    expect(parseJournal("{not json")).toEqual([]);
    expect(parseJournal(JSON.stringify({ 1: { steps: "no" }, 2: { label: "a", steps: [] } }))).toEqual([
      { label: "a", steps: [] },
    ]);
  });
});
