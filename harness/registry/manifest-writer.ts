import { createHash } from "node:crypto";
import { RegistryError } from "../errors.ts";
import type { ImageReference } from "../inspect/image-reference.ts";
import { MEDIA } from "../inspect/oci-types.ts";

/**
 * Writes manifests to one repository of the run's own registry (plain HTTP, anonymous) over the
 * distribution API: how a grader moves a tag the way a later push would. `fetch` is injectable.
 */
export class ManifestWriter {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(image: ImageReference, options: { fetch?: typeof fetch } = {}) {
    this.base = `http://${image.registry}/v2/${image.repository}`;
    this.fetch = options.fetch ?? fetch;
  }

  /** PUTs `text` under its own digest, with no tag: a manifest nothing points at yet. */
  async putUntagged(text: string, mediaType: string): Promise<string> {
    return this.put(`sha256:${createHash("sha256").update(text).digest("hex")}`, text, mediaType);
  }

  /** PUTs `text` under `reference` (a tag or its digest); returns the digest the registry stored it as. */
  async put(reference: string, text: string, mediaType: string): Promise<string> {
    const digest = `sha256:${createHash("sha256").update(text).digest("hex")}`;
    let response: Response;
    try {
      response = await this.fetch(`${this.base}/manifests/${reference}`, {
        method: "PUT",
        body: text,
        headers: { "content-type": mediaType },
      });
    } catch (error) {
      throw new RegistryError(`cannot reach ${this.base}`, { cause: error });
    }
    await response.body?.cancel();
    if (!response.ok)
      throw new RegistryError(`${this.base}: PUT manifests/${reference} answered ${response.status}`, {
        status: response.status,
      });
    return response.headers.get("docker-content-digest") ?? digest;
  }
}

/**
 * Another index over the same platform images, told apart by one annotation: a distinct digest a
 * tag can be moved to, with nothing new to upload. Pure.
 */
export function indexVariant(indexText: string, note: string): { text: string; mediaType: string } {
  const index = JSON.parse(indexText) as { mediaType?: string; annotations?: Record<string, string> };
  const mediaType = index.mediaType ?? MEDIA.ociIndex;
  return {
    text: JSON.stringify({ ...index, annotations: { ...index.annotations, "course.test/variant": note } }),
    mediaType,
  };
}
