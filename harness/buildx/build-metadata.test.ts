import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBuildMetadata } from "./build-metadata.ts";

describe("metadata file", () => {
  it("reads the pushed index digest and name", () => {
    const meta = parseBuildMetadata(
      readFileSync(new URL("./testdata/metadata-push.json", import.meta.url), "utf8"),
    );
    expect(meta.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(meta.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(meta.imageName).toBe("127.0.0.1:5000/t/s1:1");
  });
  it("treats an empty file as no metadata", () => {
    expect(parseBuildMetadata("").imageDigest).toBeUndefined();
  });
});
