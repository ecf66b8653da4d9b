import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Parser } from "tar";
import { GraderError } from "../errors.ts";

/** The package.json inside an npm tarball (package/package.json). */
export async function tarballManifest(
  data: Buffer,
): Promise<{ name: string; version: string } & Record<string, unknown>> {
  let text: string | undefined;
  const parser = new Parser({
    filter: (path) => path === "package/package.json",
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => {
        text = Buffer.concat(chunks).toString("utf8");
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    parser.end(data);
  });
  const manifest: unknown = JSON.parse(text ?? "null");
  if (
    typeof manifest !== "object" ||
    manifest === null ||
    !("name" in manifest) ||
    typeof manifest.name !== "string" ||
    !("version" in manifest) ||
    typeof manifest.version !== "string"
  )
    throw new GraderError(
      "ENGINE_START_FAILED",
      "a package to publish has no package/package.json naming it",
    );
  return { ...manifest, name: manifest.name, version: manifest.version };
}

/** `npm publish TARBALL --access restricted`, as the one PUT of the package document it sends. */
export async function publishTarball(registry: string, token: string, tarball: string): Promise<void> {
  const data = await readFile(tarball);
  const manifest = await tarballManifest(data);
  const { name, version } = manifest;
  const file = `${name.replace(/^@[^/]+\//, "")}-${version}.tgz`;
  const document = {
    _id: name,
    name,
    "dist-tags": { latest: version },
    versions: {
      [version]: {
        ...manifest,
        _id: `${name}@${version}`,
        dist: {
          integrity: `sha512-${createHash("sha512").update(data).digest("base64")}`,
          shasum: createHash("sha1").update(data).digest("hex"),
          tarball: `${registry}${name}/-/${file}`,
        },
      },
    },
    access: "restricted",
    _attachments: {
      [file]: {
        content_type: "application/octet-stream",
        data: data.toString("base64"),
        length: data.length,
      },
    },
  };
  const response = await fetch(`${registry}${name.replace("/", "%2f")}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(document),
  });
  if (!response.ok)
    throw new GraderError(
      "ENGINE_START_FAILED",
      `the private npm registry refused ${name}@${version} (HTTP ${response.status}: ${(await response.text()).slice(0, 200)})`,
    );
}
