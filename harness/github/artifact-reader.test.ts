import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SAMPLE_FAILED } from "../report/sample-reports.ts";
import { readReportArtifact } from "./artifact-reader.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "artifact-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("report artifact from a pull request", () => {
  it("accepts valid reports", async () => {
    await writeFile(join(dir, "01-cache-mounts.json"), JSON.stringify(SAMPLE_FAILED));
    const read = await readReportArtifact(dir);
    expect(read.rejected).toEqual([]);
    expect(read.reports.map((r) => r.exercise)).toEqual(["01-cache-mounts"]);
  });

  it("refuses a report that fails the schema, and says why", async () => {
    await writeFile(
      join(dir, "01-cache-mounts.json"),
      JSON.stringify({ ...SAMPLE_FAILED, score: "all of it", injected: "<script>" }),
    );
    const read = await readReportArtifact(dir);
    expect(read.reports).toEqual([]);
    expect(read.rejected[0]?.reason).toMatch(/does not meet the report schema: .*score must be number/);
  });

  it("refuses a file that is too large without reading it", async () => {
    await writeFile(
      join(dir, "01-cache-mounts.json"),
      JSON.stringify({ ...SAMPLE_FAILED, notes: ["x".repeat(2_000_000)] }),
    );
    const read = await readReportArtifact(dir);
    expect(read.rejected[0]?.reason).toMatch(/bytes; the limit is 1000000/);
  });

  it("refuses links, non-JSON and a report posing as another exercise", async () => {
    await symlink("/etc/passwd", join(dir, "a.json"));
    await writeFile(join(dir, "b.json"), "{ not json");
    await writeFile(join(dir, "02-multi-platform.json"), JSON.stringify(SAMPLE_FAILED));
    const read = await readReportArtifact(dir);
    expect(read.reports).toEqual([]);
    expect(read.rejected.map((r) => r.reason)).toEqual([
      expect.stringContaining("its exercise is 01-cache-mounts"),
      "not a regular file (links are not followed)",
      "not valid JSON",
    ]);
  });

  it("refuses an artifact with too many files", async () => {
    for (let i = 0; i < 51; i++) await writeFile(join(dir, `x${i}.json`), "{}");
    expect((await readReportArtifact(dir)).rejected[0]?.reason).toMatch(/51 report files/);
  });
});
