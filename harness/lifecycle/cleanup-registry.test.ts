import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { disposeAll, fallback, pendingCleanups, registerDisposer } from "./cleanup-registry.ts";
import { parseJournal } from "./journal-replay.ts";

describe("cleanup registry", () => {
  it("runs a disposer once, however often it is called, and forgets it", async () => {
    let runs = 0;
    const dispose = registerDisposer("thing A", async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
    });
    expect(pendingCleanups()).toContain("thing A");
    await Promise.all([dispose(), dispose()]);
    await dispose();
    expect(runs).toBe(1);
    expect(pendingCleanups()).not.toContain("thing A");
  });

  it("disposes what is still pending, newest first, and goes on past a failing one", async () => {
    const order: string[] = [];
    registerDisposer("engine", () => {
      order.push("engine");
      return Promise.resolve();
    });
    registerDisposer("broken", () => Promise.reject(new Error("boom")));
    registerDisposer("builder", () => {
      order.push("builder");
      return Promise.resolve();
    });
    await disposeAll();
    expect(order).toEqual(["builder", "engine"]);
    expect(pendingCleanups()).toEqual([]);
  });

  it("also disposes what a set-up still under way registers while the others are disposed", async () => {
    const order: string[] = [];
    registerDisposer("engine", async () => {
      order.push("engine");
      await new Promise((r) => setTimeout(r, 5));
      // The set-up's next step finished meanwhile and registered its resource.
      registerDisposer("late folder", () => {
        order.push("late folder");
        return Promise.resolve();
      });
    });
    await disposeAll();
    expect(order).toEqual(["engine", "late folder"]);
    expect(pendingCleanups()).toEqual([]);
  });

  it("leaves a failed disposal's folders to the reaper, but none of its kills", async () => {
    const folder = await mkdtemp(join(tmpdir(), "busy-"));
    const dispose = registerDisposer("busy folder", () => Promise.reject(new Error("EBUSY")));
    fallback(dispose, [{ kill: 2 ** 22 + 1 }, { remove: folder }]);
    await expect(dispose()).rejects.toThrow("EBUSY");
    const journal = parseJournal(
      await readFile(join(tmpdir(), `bkg-reaper-${String(process.pid)}.json`), "utf8"),
    );
    expect(journal).toContainEqual({ label: "busy folder", steps: [{ remove: folder }] });
  });
});
