import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildCommand } from "../buildx/build-command.ts";
import { Buildx } from "../buildx/buildx.ts";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import type { RunRegistry } from "../engine/run-registry.ts";
import { MIRROR, writeContext } from "../engine/testdata/engine-fixtures.ts";
import { readElfHeader } from "./elf.ts";
import { ImageReference } from "./image-reference.ts";
import { readImage, scanImageLayers, type PlatformImage } from "./image-reader.ts";
import type { ImageSource } from "./image-source.ts";
import { OciLayoutSource } from "./oci-layout-source.ts";
import { RegistrySource } from "./registry-source.ts";

// A two-platform build pushed to the run's registry and read back: index, per-platform
// manifests and configs, attestations set aside, and each platform's binary checked by ELF header.
describe("multi-platform build read back", () => {
  let registry: RunRegistry;
  let env: BuildEnvironment;
  let context: string;
  let layout: string;
  beforeAll(async () => {
    env = await openEnvironment({ mirror: MIRROR });
    registry = env.registry;
    context = await writeContext(
      'FROM busybox\nRUN mkdir /opt && cp /bin/busybox /opt/busybox && /opt/busybox uname -m > /arch\nENTRYPOINT ["/opt/busybox"]\n',
    );
    layout = await mkdtemp(join(tmpdir(), "layout-"));
  });
  afterAll(async () => {
    await env.dispose();
    await rm(context, { recursive: true, force: true });
    await rm(layout, { recursive: true, force: true });
  });

  async function binaryArch(
    source: ImageSource,
    image: PlatformImage,
  ): Promise<{ arch: string | undefined; uname: string }> {
    let head = Buffer.alloc(0);
    let uname = "";
    await scanImageLayers(source, image, (_where, entry) => {
      if (entry.path === "opt/busybox")
        return (chunk) => (head = head.length < 64 ? Buffer.concat([head, chunk]) : head);
      if (entry.path === "arch") return (chunk) => (uname += chunk.toString());
      return undefined;
    });
    const read = readElfHeader(head);
    return { arch: read.elf ? read.header.architecture : undefined, uname: uname.trim() };
  }

  it("pushes an index with both platforms and reads every manifest back", async () => {
    const tag = `${registry.host}/multi:1`;
    const build = new BuildCommand(new Buildx(env));
    const result = await build.run({
      label: "multi",
      context,
      output: "push",
      tags: [tag],
      platforms: ["linux/amd64", "linux/arm64"],
      network: "none",
      provenance: "mode=min",
      timeoutMs: 300_000,
    });
    expect(result.ok, result.failure?.message).toBe(true);
    const arm = result.steps.find((s) => s.platform === "linux/arm64" && s.instruction === "RUN");
    expect(arm?.log ?? "").toBe("");
    const ref = ImageReference.parse(tag);
    const source = new RegistrySource(ref);
    const read = await readImage(source, ref.reference);
    expect(read.digest).toBe(result.metadata.imageDigest);
    expect(read.images.map((i) => i.platform).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    expect(read.attestations).toHaveLength(2);
    for (const image of read.images) {
      expect(`${image.config.os}/${image.config.architecture}`).toBe(image.platform);
      const { arch, uname } = await binaryArch(source, image);
      expect(arch).toBe(image.config.architecture);
      expect(uname).toBe(image.config.architecture === "amd64" ? "x86_64" : "aarch64");
    }
  });

  it("reads the same image from an OCI layout", async () => {
    const build = new BuildCommand(new Buildx(env));
    const result = await build.run({
      label: "oci",
      context,
      output: { type: "oci", dest: layout },
      platforms: ["linux/amd64", "linux/arm64"],
      network: "none",
      timeoutMs: 300_000,
    });
    expect(result.ok, result.failure?.message).toBe(true);
    const source = new OciLayoutSource(layout);
    const top = await source.manifest("index.json");
    expect(top.document.kind).toBe("index");
    // BuildKit's layout index points at the image index; read through it.
    const inner = top.document.kind === "index" ? top.document.manifests[0]?.digest : undefined;
    const read = await readImage(source, inner ?? "index.json");
    expect(read.images.map((i) => i.platform).sort()).toEqual(["linux/amd64", "linux/arm64"]);
    const arm = read.images.find((i) => i.platform === "linux/arm64");
    if (arm) expect((await binaryArch(source, arm)).arch).toBe("arm64");
  });
});
