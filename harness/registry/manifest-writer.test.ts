import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ImageReference } from "../inspect/image-reference.ts";
import { indexVariant, ManifestWriter } from "./manifest-writer.ts";

const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: "sha256:aa", size: 1 }],
});

describe("manifest writer", () => {
  it("makes distinct index variants over the same images", () => {
    const a = indexVariant(INDEX, "decoy");
    const b = indexVariant(INDEX, "next");
    expect(a.text).not.toBe(b.text);
    expect(a.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect((JSON.parse(a.text) as { manifests: unknown }).manifests).toEqual(
      (JSON.parse(INDEX) as { manifests: unknown }).manifests,
    );
  });

  it("PUTs a manifest under a tag and returns its digest; a refusal is a RegistryError", async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const ok: typeof fetch = (url, init) => {
      calls.push({ url: url instanceof Request ? url.url : url.toString(), init });
      return Promise.resolve(new Response(null, { status: 201 }));
    };
    const ref = ImageReference.parse("10.0.0.1:5000/course/beacon:release");
    const digest = await new ManifestWriter(ref, { fetch: ok }).put(
      "release",
      INDEX,
      "application/vnd.oci.image.index.v1+json",
    );
    expect(digest).toBe(`sha256:${createHash("sha256").update(INDEX).digest("hex")}`);
    expect(calls[0]?.url).toBe("http://10.0.0.1:5000/v2/course/beacon/manifests/release");
    expect(calls[0]?.init?.method).toBe("PUT");
    const refused: typeof fetch = () => Promise.resolve(new Response("denied", { status: 403 }));
    await expect(
      new ManifestWriter(ref, { fetch: refused }).put("release", INDEX, "x"),
    ).rejects.toMatchObject({
      code: "REGISTRY_ERROR",
      status: 403,
    });
  });

  it("PUTs a manifest with no tag under its own digest", async () => {
    const urls: string[] = [];
    const ok: typeof fetch = (url) => {
      urls.push(url instanceof Request ? url.url : url.toString());
      return Promise.resolve(new Response(null, { status: 201 }));
    };
    const ref = ImageReference.parse("10.0.0.1:5000/course/beacon:release");
    const digest = await new ManifestWriter(ref, { fetch: ok }).putUntagged(
      INDEX,
      "application/vnd.oci.image.index.v1+json",
    );
    expect(digest).toBe(`sha256:${createHash("sha256").update(INDEX).digest("hex")}`);
    expect(urls).toEqual([`http://10.0.0.1:5000/v2/course/beacon/manifests/${digest}`]);
  });
});
