import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { RegistryError } from "../errors.ts";
import { parseManifestDocument } from "./image-index.ts";
import type { ImageSource } from "./image-source.ts";

/**
 * An OCI image layout on disk (what `--output type=oci,tar=false` and `--cache-to type=local`
 * write): `index.json` plus `blobs/<alg>/<hex>`. The reference "index.json" reads the top index.
 */
export class OciLayoutSource implements ImageSource {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
    this.description = `OCI layout ${root}`;
  }

  async manifest(
    reference: string,
  ): Promise<{ document: ReturnType<typeof parseManifestDocument>; digest: string; text: string }> {
    const path = reference === "index.json" ? join(this.root, "index.json") : this.blobPath(reference);
    const text = await readFile(path, "utf8").catch((error: unknown) => {
      throw new RegistryError(`${this.description} has no ${reference}`, { cause: error });
    });
    return { document: parseManifestDocument(text), digest: reference, text };
  }

  blob(digest: string): Promise<Readable> {
    return Promise.resolve(createReadStream(this.blobPath(digest)));
  }

  async json(digest: string): Promise<unknown> {
    return JSON.parse(await readFile(this.blobPath(digest), "utf8"));
  }

  private blobPath(digest: string): string {
    const [alg, hex] = digest.split(":");
    if (!alg || !hex || !/^[a-f0-9]+$/.test(hex)) throw new RegistryError(`invalid digest ${digest}`);
    return join(this.root, "blobs", alg, hex);
  }
}
