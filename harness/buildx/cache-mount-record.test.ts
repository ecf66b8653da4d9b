import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cacheMounts, parseDiskUsage, parseSize } from "./cache-mount-record.ts";

describe("buildx du --verbose", () => {
  const text = readFileSync(new URL("./testdata/du.txt", import.meta.url), "utf8");

  it("reads every record with its type, size and usage", () => {
    const records = parseDiskUsage(text);
    expect(records.length).toBeGreaterThan(5);
    expect(records.every((r) => r.id.length > 10)).toBe(true);
    expect(records.find((r) => r.description.startsWith("[linux/amd64 2/4] COPY go-amd64"))).toMatchObject({
      type: "regular",
      sizeBytes: 375_200_000,
      usageCount: 3,
    });
  });

  it("finds the cache mount with its target and id", () => {
    const mounts = cacheMounts(parseDiskUsage(text));
    expect(mounts).toHaveLength(1);
    expect(mounts[0]).toMatchObject({ target: "/cache", cacheId: "//cache", sizeBytes: 8192, mutable: true });
  });

  it.each([
    ["8.192kB", 8192],
    ["1.5MB", 1_500_000],
    ["0B", 0],
    ["12", 12],
    ["garbage", 0],
  ])("size %s", (t, n) => {
    expect(parseSize(t)).toBe(n);
  });
});
