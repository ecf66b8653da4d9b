import { describe, expect, it } from "vitest";
import { inShard, parseShard } from "./shard.ts";

describe("shards of a class", () => {
  it.each(["1/1", "2/4", " 4/4 "])("reads %s", (text) => {
    expect(parseShard(text).ok).toBe(true);
  });

  it.each(["0/4", "5/4", "1/0", "a/b", "2", "1/1001", "-1/4"])("refuses %s, saying the form", (text) => {
    const parsed = parseShard(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/K\/N/);
  });

  const learners = Array.from({ length: 300 }, (_, i) => `learner-${i}`);

  it("puts every learner in exactly one of N shards, in slices of similar size", () => {
    const count = 4;
    const sizes = Array.from(
      { length: count },
      (_, k) => learners.filter((l) => inShard(l, { index: k + 1, count })).length,
    );
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(learners.length);
    for (const l of learners)
      expect(
        Array.from({ length: count }, (_, k) => inShard(l, { index: k + 1, count })).filter(Boolean),
      ).toHaveLength(1);
    for (const size of sizes) expect(size).toBeGreaterThan(learners.length / count / 2);
  });

  it("keeps a learner's shard whoever else is in the class", () => {
    const shard = { index: 3, count: 5 };
    expect(learners.filter((l) => inShard(l, shard))).toEqual(
      learners
        .slice(0, 100)
        .filter((l) => inShard(l, shard))
        .concat(learners.slice(100).filter((l) => inShard(l, shard))),
    );
    expect(inShard("ada", shard)).toBe(inShard("ada", shard));
  });
});
