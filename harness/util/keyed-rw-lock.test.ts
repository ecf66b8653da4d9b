import { describe, expect, it } from "vitest";
import { KeyedRwLock } from "./keyed-rw-lock.ts";

/** Whether the promise has settled after the pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("a keyed readers-writer lock", () => {
  it("lets readers share a key, and a writer wait for all of them", async () => {
    const lock = new KeyedRwLock();
    const first = await lock.read("tag");
    const second = await lock.read("tag");
    const writer = lock.write("tag");
    expect(await settled(writer)).toBe(false);
    first();
    expect(await settled(writer)).toBe(false);
    second();
    expect(await settled(writer)).toBe(true);
    (await writer)();
    expect(lock.size).toBe(0);
  });

  it("keeps readers out while a writer holds the key, and serves waiters in order", async () => {
    const lock = new KeyedRwLock();
    const order: string[] = [];
    const writing = await lock.write("tag");
    const reader = lock.read("tag").then((release) => {
      order.push("read");
      return release;
    });
    const writer = lock.write("tag").then((release) => {
      order.push("write");
      return release;
    });
    // A reader that comes after a waiting writer does not pass it.
    const late = lock.read("tag").then((release) => {
      order.push("late read");
      return release;
    });
    expect(await settled(reader)).toBe(false);
    writing();
    (await reader)();
    (await writer)();
    (await late)();
    expect(order).toEqual(["read", "write", "late read"]);
    expect(lock.size).toBe(0);
  });

  it("keeps keys apart, and a second release changes nothing", async () => {
    const lock = new KeyedRwLock();
    const a = await lock.write("a");
    const b = lock.write("b");
    expect(await settled(b)).toBe(true);
    const again = lock.write("a");
    a();
    a();
    const next = await again;
    const third = lock.read("a");
    expect(await settled(third)).toBe(false);
    next();
    (await third)();
    (await b)();
    expect(lock.size).toBe(0);
  });
});
