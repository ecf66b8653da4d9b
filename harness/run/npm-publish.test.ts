import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create } from "tar";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../grading/exercise.ts";
import { tarballManifest } from "./npm-publish.ts";

/** A gzipped tarball holding one file at `path`, as tar writes it. */
async function tgz(path: string, content: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "npm-publish-test-"));
  try {
    await mkdir(join(dir, dirname(path)), { recursive: true });
    await writeFile(join(dir, path), content);
    const chunks: Buffer[] = [];
    for await (const chunk of create({ cwd: dir, gzip: true, portable: true }, [path]))
      chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("tarballManifest", () => {
  it("reads the name and version of the course's private package", async () => {
    const data = await readFile(join(REPO_ROOT, "exercises/03-build-secrets/course-greeting-1.0.0.tgz"));
    const manifest = await tarballManifest(data);
    expect(manifest.name).toBe("@course/greeting");
    expect(manifest.version).toBe("1.0.0");
    expect(manifest["main"]).toBe("index.js");
  });

  it("refuses a tarball whose package.json is elsewhere or names no version", async () => {
    await expect(
      tarballManifest(await tgz("other/package.json", '{"name":"a","version":"1.0.0"}')),
    ).rejects.toThrow(/no package\/package.json naming it/);
    await expect(tarballManifest(await tgz("package/package.json", '{"name":"a"}'))).rejects.toThrow(
      /no package\/package.json naming it/,
    );
    expect(
      (await tarballManifest(await tgz("package/package.json", '{"name":"a","version":"2.0.0"}'))).version,
    ).toBe("2.0.0");
  });
});
