import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { SAMPLE_FAILED } from "../report/sample-reports.ts";
import { ARTIFACT_LIMITS, readReportArtifact } from "./artifact-reader.ts";
import { unzipArtifact } from "./artifact-zip.ts";

const enc = (text: string) => new TextEncoder().encode(text);
const read = (files: Record<string, Uint8Array>) =>
  readReportArtifact(unzipArtifact(zipSync(files), ARTIFACT_LIMITS));

describe("report artifact from a pull request", () => {
  it("accepts valid reports and drops the other files", () => {
    const result = read({
      "01-cache-mounts.json": enc(JSON.stringify(SAMPLE_FAILED)),
      "summary.md": enc("# hi"),
    });
    expect(result.rejected).toEqual([]);
    expect(result.reports.map((r) => r.exercise)).toEqual(["01-cache-mounts"]);
  });

  it("refuses a report that fails the schema, and says why", () => {
    const result = read({
      "01-cache-mounts.json": enc(
        JSON.stringify({ ...SAMPLE_FAILED, score: "all of it", injected: "<script>" }),
      ),
    });
    expect(result.reports).toEqual([]);
    expect(result.rejected[0]?.reason).toMatch(/does not meet the report schema: .*score must be number/);
  });

  it("refuses non-JSON, invalid UTF-8 and a report posing as another exercise", () => {
    const result = read({
      "b.json": enc("{ not json"),
      "c.json": new Uint8Array([0x7b, 0xff, 0x7d]),
      "02-multi-platform.json": enc(JSON.stringify(SAMPLE_FAILED)),
    });
    expect(result.reports).toEqual([]);
    expect(result.rejected.map((r) => r.reason)).toEqual([
      expect.stringContaining("its exercise is 01-cache-mounts"),
      "not valid UTF-8 JSON",
      "not valid UTF-8 JSON",
    ]);
  });

  it("keeps only top-level JSON files (no paths into folders)", () => {
    const entries = unzipArtifact(
      zipSync({ "../evil.json": enc("{}"), "sub/x.json": enc("{}"), "a.json": enc("{}") }),
      ARTIFACT_LIMITS,
    );
    expect(entries.map((e) => e.name)).toEqual(["a.json"]);
  });
});

describe("unpacking is bounded by what the zip inflates to", () => {
  const limits = { maxFileBytes: 1000, maxTotalBytes: 3000, maxFiles: 5 };
  it("stops a file that inflates past its limit (a zip bomb compresses 1 MB of zeros to 1 kB)", () => {
    const zip = zipSync({ "a.json": new Uint8Array(1_000_000) });
    expect(zip.length).toBeLessThan(5000);
    expect(() => unzipArtifact(zip, limits)).toThrow(/a\.json unpacks to more than 1000 bytes/);
  });
  it("stops when the files together pass the total, whatever their names", () => {
    const files = Object.fromEntries(["a", "b", "c", "d"].map((n) => [`${n}.txt`, new Uint8Array(900)]));
    expect(() => unzipArtifact(zipSync(files), limits)).toThrow(/unpacks to more than 3000 bytes/);
  });
  it("refuses too many files and bytes that are no zip", () => {
    const files = Object.fromEntries(["a", "b", "c", "d", "e", "f"].map((n) => [`${n}.json`, enc("{}")]));
    expect(() => unzipArtifact(zipSync(files), limits)).toThrow(/more than 5 files/);
    expect(unzipArtifact(enc("not a zip at all"), limits)).toEqual([]);
  });
});
