import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format.ts";

describe("format", () => {
  it.each([
    [12, "12 B"],
    [4096, "4.1 kB"],
    [32_900_000, "32.9 MB"],
    [2_500_000_000, "2.50 GB"],
  ])("%d bytes", (n, s) => {
    expect(formatBytes(n)).toBe(s);
  });
  it.each([
    [250, "250 ms"],
    [7600, "7.6 s"],
    [185_000, "3 min 5 s"],
  ])("%d ms", (n, s) => {
    expect(formatDuration(n)).toBe(s);
  });
});
