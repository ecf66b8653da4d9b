import { describe, expect, it } from "vitest";
import { lineSplitter } from "./line-splitter.ts";

describe("lines out of chunks", () => {
  it("gives each line once it is whole, and keeps the rest", () => {
    const lines: string[] = [];
    const split = lineSplitter((l) => lines.push(l));
    split.push("#1 [a");
    split.push("] RUN x\n#2 DO");
    split.push("NE\n\nlast");
    expect(lines).toEqual(["#1 [a] RUN x", "#2 DONE", ""]);
    expect(split.rest()).toBe("last");
  });
});
