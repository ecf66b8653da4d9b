import { describe, expect, it } from "vitest";
import { expandMatrix, resolveMatrix } from "./matrix.ts";

// The examples follow GitHub's documented expansion rules for include and exclude.
describe("matrix expansion", () => {
  it("takes the cartesian product in key order", () => {
    expect(expandMatrix({ os: ["a", "b"], v: [1, 2] }).combinations).toEqual([
      { os: "a", v: 1 },
      { os: "a", v: 2 },
      { os: "b", v: 1 },
      { os: "b", v: 2 },
    ]);
  });
  it("stops at GitHub's 256 combinations and says so, however small the file", () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const huge = Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`k${String(k)}`, ten]));
    const started = performance.now();
    const { combinations, unresolved } = expandMatrix(huge);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(combinations.length).toBeLessThanOrEqual(256);
    expect(unresolved.join()).toContain("more than 256 combinations");
    const includes = expandMatrix({ include: Array.from({ length: 5000 }, (_, i) => ({ n: i })) });
    expect(includes.combinations).toHaveLength(256);
    expect(includes.unresolved.join()).toContain("more than 256");
    expect(expandMatrix({ a: Array.from({ length: 256 }, (_, i) => i) }).unresolved).toEqual([]);
  });
  it("removes what exclude matches, on all of its keys", () => {
    const { combinations } = expandMatrix({ os: ["a", "b"], v: [1, 2], exclude: [{ os: "b", v: 2 }] });
    expect(combinations).toEqual([
      { os: "a", v: 1 },
      { os: "a", v: 2 },
      { os: "b", v: 1 },
    ]);
  });
  it("merges an include into the combinations it matches, else adds it", () => {
    const { combinations } = expandMatrix({
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [
        { color: "green" },
        { color: "pink", animal: "cat" },
        { fruit: "apple", shape: "circle" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    });
    expect(combinations).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });
  it("builds a matrix of includes only, with object values", () => {
    const { combinations } = expandMatrix({
      include: [
        { platform: "linux/amd64", runner: "ubuntu-24.04" },
        { platform: "linux/arm64", runner: "ubuntu-24.04-arm" },
      ],
    });
    expect(combinations.map((c) => c["runner"])).toEqual(["ubuntu-24.04", "ubuntu-24.04-arm"]);
  });
  it("says what it cannot expand and keeps one combination", () => {
    expect(expandMatrix({ platform: "${{ fromJSON(needs.a.outputs.p) }}" })).toEqual({
      combinations: [{}],
      unresolved: ['matrix.platform is "${{ fromJSON(needs.a.outputs.p) }}", not a list'],
    });
    expect(expandMatrix(undefined).combinations).toEqual([{}]);
  });
  it("resolves matrix expressions and leaves the others", () => {
    const c = { platform: { name: "linux/arm64", runner: "ubuntu-24.04-arm" }, arch: "arm64" };
    expect(resolveMatrix("${{ matrix.platform.name }},${{matrix['arch']}}", c)).toBe("linux/arm64,arm64");
    expect(resolveMatrix("${{ github.sha }} ${{ matrix.missing }}", c)).toBe("${{ github.sha }} ");
    expect(resolveMatrix("${{ matrix.platform }}", c)).toBe(
      '{"name":"linux/arm64","runner":"ubuntu-24.04-arm"}',
    );
  });
});
