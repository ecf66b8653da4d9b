import { describe, expect, it } from "vitest";
import { disposeAll, pendingCleanups, registerDisposer } from "./cleanup-registry.ts";

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
});
