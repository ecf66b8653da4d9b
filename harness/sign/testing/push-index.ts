import { createHash } from "node:crypto";

const sha256 = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/**
 * Pushes a minimal image index (one linux/amd64 manifest with an empty config) to a registry
 * over the distribution API, and tags it: enough for cosign to sign and verify, no engine
 * needed. `seed` makes distinct indexes. Returns the index digest.
 */
export async function pushTinyIndex(
  registry: string,
  repository: string,
  tag: string,
  seed = "a",
): Promise<string> {
  const base = `http://${registry}/v2/${repository}`;
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Labels: { seed } },
      rootfs: { type: "layers", diff_ids: [] },
    }),
  );
  const start = await fetch(`${base}/blobs/uploads/`, { method: "POST" });
  const location = new URL(start.headers.get("location") ?? "", `http://${registry}`);
  location.searchParams.set("digest", sha256(config));
  const uploaded = await fetch(location, { method: "PUT", body: config });
  if (!uploaded.ok) throw new Error(`blob upload failed: HTTP ${uploaded.status}`);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256(config),
        size: config.length,
      },
      layers: [],
    }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: sha256(manifest),
          size: manifest.length,
          platform: { architecture: "amd64", os: "linux" },
        },
      ],
    }),
  );
  for (const [reference, body, type] of [
    [sha256(manifest), manifest, "application/vnd.oci.image.manifest.v1+json"],
    [tag, index, "application/vnd.oci.image.index.v1+json"],
  ] as const) {
    const put = await fetch(`${base}/manifests/${reference}`, {
      method: "PUT",
      body,
      headers: { "content-type": type },
    });
    if (!put.ok) throw new Error(`manifest upload failed: HTTP ${put.status}`);
  }
  return sha256(index);
}
