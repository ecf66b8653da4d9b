import { createHash } from "node:crypto";
import { mkdtemp, mkdir, readFile, rm, writeFile, link } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { create } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import type { ImageSource } from "../inspect/image-source.ts";
import type { PlatformImage } from "../inspect/image-reader.ts";
import type { Descriptor } from "../inspect/oci-types.ts";
import { Canary } from "./canary.ts";
import { scanConfig, scanHistory, scanLayers } from "./leak-scanner.ts";

// Layers built here, held in memory behind a minimal ImageSource.
const canary = new Canary("npm_tok_8d1c2b3a4f5e6d7c8b9a");
const blobs = new Map<string, Buffer>();
let dir: string;

function put(bytes: Buffer, mediaType: string): Descriptor {
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.length };
}

const source: ImageSource = {
  description: "memory",
  manifest: () => Promise.reject(new Error("not used")),
  blob: (digest) => Promise.resolve(Readable.from([blobs.get(digest) ?? Buffer.alloc(0)])),
  json: (digest) => Promise.resolve(JSON.parse(String(blobs.get(digest)))),
};

async function layer(
  files: Record<string, string | Buffer>,
  name: string,
  hardlinks: [string, string][] = [],
): Promise<Buffer> {
  const root = join(dir, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
  for (const [target, linkName] of hardlinks) await link(join(root, target), join(root, linkName));
  await create({ cwd: root, file: join(dir, `${name}.tar`), portable: true }, ["."]);
  return readFile(join(dir, `${name}.tar`));
}

let image: PlatformImage;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "leak-test-"));
  const longDir = "node_modules/" + "nested-package-directory/".repeat(6);
  const big = Buffer.concat([Buffer.alloc(500, "x"), Buffer.from(canary.value), Buffer.alloc(3000, "y")]);
  const l1 = await layer(
    { "app/.npmrc": `//registry/:_authToken=${canary.value}\n`, "app/package.json": "{}" },
    "l1",
    [["app/.npmrc", "app/npmrc-link"]],
  );
  const l2 = await layer({ "app/.wh..npmrc": "", [`${longDir}cache.bin`]: big }, "l2");
  await layer(
    { "etc/auth.b64": Buffer.from(`user:${canary.value}`).toString("base64"), "etc/clean": "nothing" },
    "l3",
  );
  await exec("zstd", ["-q", "-f", join(dir, "l3.tar")]);
  const layers = [
    put(gzipSync(l1), "application/vnd.oci.image.layer.v1.tar+gzip"),
    put(gzipSync(l2), "application/vnd.oci.image.layer.v1.tar+gzip"),
    put(await readFile(join(dir, "l3.tar.zst")), "application/vnd.oci.image.layer.v1.tar+zstd"),
  ];
  image = {
    platform: "linux/amd64",
    entry: undefined,
    manifestDigest: "sha256:0",
    manifest: {
      kind: "manifest",
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: put(Buffer.from("{}"), "application/vnd.oci.image.config.v1+json"),
      layers,
    },
    config: {
      architecture: "amd64",
      os: "linux",
      config: {
        Env: ["PATH=/bin", `AUTH=${Buffer.from(canary.value).toString("hex")}`],
        Labels: { ok: "yes" },
        Cmd: ["node"],
      },
      history: [
        { created_by: "COPY .npmrc /app/ # buildkit" },
        { created_by: "ARG NPM_TOKEN", empty_layer: true },
        { created_by: `RUN |1 NPM_TOKEN=${canary.value} /bin/sh -c rm /app/.npmrc # buildkit` },
        { created_by: "COPY auth /etc/ # buildkit" },
      ],
    },
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("leak scanner", () => {
  it("finds the canary in history with the step that wrote it", () => {
    expect(scanHistory(image, canary)).toEqual([
      {
        place: "history",
        where: "history entry 3",
        encodings: ["plain"],
        createdBy: `RUN |1 NPM_TOKEN=${canary.value} /bin/sh -c rm /app/.npmrc`,
      },
    ]);
  });

  it("finds it in config fields in other encodings", () => {
    expect(scanConfig(image, canary)).toEqual([
      { place: "config", where: "config Env AUTH", encodings: ["hex"] },
    ]);
  });

  it("finds it in config fields nobody named: Volumes, Healthcheck, a builder's own, author", () => {
    // Fields this project's types do not declare still arrive in the config JSON a registry serves.
    const inside = {
      Volumes: { [`/data/${canary.value}`]: {} },
      Healthcheck: { Test: ["CMD", "true"] },
      StopSignal: "SIGTERM",
      "x-vendor": [{ deep: Buffer.from(canary.value).toString("hex") }],
    };
    const outside = { author: Buffer.from(`by ${canary.value}`).toString("base64") };
    const found = scanConfig(
      { ...image, config: { ...image.config, ...outside, config: { ...image.config.config, ...inside } } },
      canary,
    );
    expect(found.map((f) => f.where)).toEqual([
      "config Env AUTH",
      "config Volumes",
      "config x-vendor",
      "config (image) author",
    ]);
    expect(found.find((f) => f.where === "config (image) author")?.encodings.join()).toMatch(/base64/);
  });

  it("finds files in every layer, deleted, hard-linked, deep, split across blocks, gzip and zstd", async () => {
    const findings = await scanLayers(source, image, canary);
    const byPath = new Map(findings.map((f) => [f.where.replace(/^layer \d \([0-9a-f]+\) /, ""), f]));
    expect(byPath.get("/app/.npmrc")).toMatchObject({
      place: "layer",
      deletedLater: true,
      createdBy: "COPY .npmrc /app/",
    });
    expect([...byPath.keys()].some((p) => p.endsWith("cache.bin"))).toBe(true);
    expect(byPath.get("/etc/auth.b64")?.encodings.some((e) => e.startsWith("base64"))).toBe(true);
    expect(byPath.has("/etc/clean")).toBe(false);
    expect(byPath.has("/app/package.json")).toBe(false);
    // The hard link shares the file's bytes: the content is in the layer once, under one name.
    expect(findings.filter((f) => f.where.includes("npmrc"))).toHaveLength(1);
  });

  it("leaves closed only the layers named as known base layers, and finds the rest", async () => {
    const [first, second, third] = image.manifest.layers;
    if (!first || !second || !third) throw new Error("three layers expected");
    const opened: string[] = [];
    const watching: ImageSource = {
      ...source,
      blob: (digest) => {
        opened.push(digest);
        return source.blob(digest);
      },
    };
    const findings = await scanLayers(watching, image, canary, undefined, new Set([first.digest]));
    expect(opened).toEqual([second.digest, third.digest]);
    expect(findings.some((f) => f.where.includes("/etc/auth.b64"))).toBe(true);
    expect(findings.some((f) => f.where.includes("/app/.npmrc"))).toBe(false);
  });

  it("reports nothing for an image without the canary", async () => {
    const other = new Canary("some-other-secret-value-123");
    expect(await scanLayers(source, image, other)).toEqual([]);
    expect(scanHistory(image, other)).toEqual([]);
  });
});
