import { describe, expect, it } from "vitest";
import { settleAll } from "./settle-all.ts";

describe("settleAll", () => {
  it("waits for the slow tasks before it throws the first failure", async () => {
    let slowDone = false;
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        slowDone = true;
        resolve();
      }, 30),
    );
    await expect(
      settleAll([Promise.reject(new Error("first")), slow, Promise.reject(new Error("second"))]),
    ).rejects.toThrow("first");
    expect(slowDone).toBe(true);
  });

  it("resolves when every task does", async () => {
    await expect(settleAll([Promise.resolve(1), Promise.resolve("a")])).resolves.toBeUndefined();
  });
});
