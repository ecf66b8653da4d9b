import { describe, expect, it } from "vitest";
import { mirrorLayers } from "./mirror-layers.ts";
import { MEDIA } from "./oci-types.ts";

const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A registry of one repository: an index of one image, with a config naming its diff_ids. */
function fakeMirror(): typeof fetch {
  const routes: Record<string, { type?: string; body: unknown }> = {
    "/v2/_catalog": { body: { repositories: ["library/busybox"] } },
    "/v2/library/busybox/tags/list": { body: { tags: ["latest"] } },
    "/v2/library/busybox/manifests/latest": {
      type: MEDIA.ociIndex,
      body: {
        schemaVersion: 2,
        mediaType: MEDIA.ociIndex,
        manifests: [{ mediaType: MEDIA.ociManifest, digest: digest("a"), size: 1 }],
      },
    },
    [`/v2/library/busybox/manifests/${digest("a")}`]: {
      type: MEDIA.ociManifest,
      body: {
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: digest("c"), size: 1 },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: digest("1"), size: 1 }],
      },
    },
    [`/v2/library/busybox/blobs/${digest("c")}`]: {
      body: { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [digest("2")] } },
    },
  };
  return (input) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const route = routes[url.pathname];
    if (!route) return Promise.resolve(new Response("not found", { status: 404 }));
    return Promise.resolve(
      new Response(JSON.stringify(route.body), {
        headers: route.type ? { "content-type": route.type } : {},
      }),
    );
  };
}

describe("the mirror's layers", () => {
  it("are every image's layer digests and diff_ids, through indexes", async () => {
    const layers = await mirrorLayers("http://127.0.0.1:5999", fakeMirror());
    expect(layers.has(digest("1"))).toBe(true);
    expect(layers.has(digest("2"))).toBe(true);
    expect(layers.has(digest("c"))).toBe(false);
  });
});
