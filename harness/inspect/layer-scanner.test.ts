import { mkdtemp, mkdir, writeFile, link, symlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { create } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { compressionOf, scanLayer, type Compression } from "./layer-scanner.ts";
import type { LayerEntry } from "./layer-entry.ts";

let dir: string;
let tarBytes: Buffer;
const longName = `${"deep/".repeat(30)}file-with-a-name-longer-than-the-ustar-limit.txt`;
// A marker that straddles the 512-byte block boundary inside the file's data.
const bigFile = Buffer.concat([Buffer.alloc(510, "a"), Buffer.from("MARKER"), Buffer.alloc(2000, "b")]);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "layer-test-"));
  const root = join(dir, "root");
  await mkdir(join(root, "etc/app"), { recursive: true });
  await mkdir(join(root, "opaque"), { recursive: true });
  await mkdir(join(root, longName.split("/").slice(0, -1).join("/")), { recursive: true });
  await writeFile(join(root, "etc/app/config"), "token=abc\n");
  await writeFile(join(root, "etc/app/.wh.secret.txt"), "");
  await writeFile(join(root, "opaque/.wh..wh..opq"), "");
  await writeFile(join(root, "big.bin"), bigFile);
  await link(join(root, "etc/app/config"), join(root, "etc/app/config-hardlink"));
  await symlink("/etc/app/config", join(root, "etc/app/config-symlink"));
  await writeFile(join(root, longName), "long");
  const out = join(dir, "layer.tar");
  await create({ cwd: root, file: out, portable: true }, ["."]);
  const { readFile } = await import("node:fs/promises");
  tarBytes = await readFile(out);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scan(
  bytes: Buffer,
  compression: Compression,
): Promise<{ entries: LayerEntry[]; contents: Map<string, string> }> {
  const entries: LayerEntry[] = [];
  const contents = new Map<string, string>();
  await scanLayer(Readable.from([bytes.subarray(0, 700), bytes.subarray(700)]), compression, (entry) => {
    entries.push(entry);
    if (entry.type !== "file") return undefined;
    const parts: Buffer[] = [];
    contents.set(entry.path, "");
    return (chunk) => {
      parts.push(chunk);
      contents.set(entry.path, Buffer.concat(parts).toString("latin1"));
    };
  });
  return { entries, contents };
}

describe("layer scanner", () => {
  it.each(["none", "gzip", "zstd"] as const)("streams every entry of a %s layer", async (compression) => {
    let bytes = tarBytes;
    if (compression === "gzip") bytes = gzipSync(tarBytes);
    if (compression === "zstd") {
      const zst = join(dir, "layer.tar.zst");
      await exec("zstd", ["-q", "-f", "-o", zst, join(dir, "layer.tar")]);
      bytes = await (await import("node:fs/promises")).readFile(zst);
    }
    const { entries, contents } = await scan(bytes, compression);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get("etc/app/.wh.secret.txt")?.whiteout).toEqual({
      target: "etc/app/secret.txt",
      opaque: false,
    });
    expect(byPath.get("opaque/.wh..wh..opq")?.whiteout).toEqual({ target: "opaque", opaque: true });
    expect(byPath.get("etc/app/config-symlink")).toMatchObject({
      type: "symlink",
      linkpath: "/etc/app/config",
    });
    const hard = [byPath.get("etc/app/config-hardlink"), byPath.get("etc/app/config")]
      .map((e) => e?.type)
      .sort();
    expect(hard).toEqual(["file", "hardlink"]);
    expect(byPath.get(longName)).toMatchObject({ type: "file", size: 4 });
    expect(contents.get(longName)).toBe("long");
    expect(contents.get("big.bin")).toHaveLength(bigFile.length);
    expect(contents.get("big.bin")).toContain("MARKER");
  });

  it("reports a corrupt gzip layer as a grading error, not a crash", async () => {
    await expect(scan(Buffer.from("not gzip at all"), "gzip")).rejects.toMatchObject({
      code: "LAYER_READ_FAILED",
    });
  });

  it("keeps going past a garbage block and says so", async () => {
    const garbage = Buffer.concat([Buffer.alloc(512, 0x41), tarBytes]);
    const { entries } = await scan(garbage, "none");
    expect(entries.some((e) => e.path === "big.bin")).toBe(true);
  });

  it("reads compression from media types", () => {
    expect(compressionOf("application/vnd.oci.image.layer.v1.tar+zstd")).toBe("zstd");
    expect(compressionOf("application/vnd.docker.image.rootfs.diff.tar.gzip")).toBe("gzip");
    expect(compressionOf("application/vnd.oci.image.layer.v1.tar")).toBe("none");
  });
});
