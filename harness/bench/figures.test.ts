import { describe, expect, it } from "vitest";
import { median, parseRounds } from "./figures.ts";

describe("benchmark figures", () => {
  it("takes the middle figure, the upper of two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1])).toBe(4);
  });

  it("takes 1 to 50 rounds and refuses anything else, saying why", () => {
    expect(parseRounds("3")).toBe(3);
    for (const bad of ["0", "51", "1.5", "-2", "abc", ""])
      expect(() => parseRounds(bad)).toThrow(/--rounds takes a whole number from 1 to 50/);
  });
});
