import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { RegistryError } from "../errors.ts";
import { parseManifestDocument } from "./image-index.ts";
import type { ImageSource } from "./image-source.ts";
import type { ImageReference } from "./image-reference.ts";
import { MEDIA } from "./oci-types.ts";
import { isRunAddress } from "../sandbox/run-network.ts";
import { isRunRegistry } from "../engine/run-registry.ts";

const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(", ");

/**
 * One repository of a registry, read over the OCI distribution API. Anonymous and plain HTTP for
 * loopback registries (the run's own and the mirror); `fetch` is injectable for tests.
 */
export class RegistrySource implements ImageSource {
  readonly description: string;
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(image: ImageReference, options: { fetch?: typeof fetch; insecure?: boolean } = {}) {
    // Loopback, a run's own link, and the run registries this process started (a farm's are
    // published elsewhere): registries the grader started, reached over plain HTTP.
    const local =
      /^(127\.|localhost|\[::1\])/.test(image.registry) ||
      isRunAddress(image.registry) ||
      isRunRegistry(image.registry);
    const scheme = (options.insecure ?? local) ? "http" : "https";
    this.base = `${scheme}://${image.registry}/v2/${image.repository}`;
    this.description = `${image.registry}/${image.repository}`;
    this.fetch = options.fetch ?? fetch;
  }

  async manifest(
    reference: string,
  ): Promise<{ document: ReturnType<typeof parseManifestDocument>; digest: string; text: string }> {
    const response = await this.get(`/manifests/${reference}`, { Accept: ACCEPT });
    const text = await response.text();
    const digest =
      response.headers.get("docker-content-digest") ??
      `sha256:${createHash("sha256").update(text).digest("hex")}`;
    try {
      return {
        document: parseManifestDocument(text, response.headers.get("content-type") ?? undefined),
        digest,
        text,
      };
    } catch (error) {
      throw new RegistryError(`${this.description}:${reference} is not a manifest or index`, {
        cause: error,
      });
    }
  }

  async blob(digest: string): Promise<Readable> {
    const response = await this.get(`/blobs/${digest}`, {});
    if (!response.body) throw new RegistryError(`blob ${digest} of ${this.description} has no body`);
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  async json(digest: string): Promise<unknown> {
    const response = await this.get(`/blobs/${digest}`, {});
    return response.json();
  }

  private async get(path: string, headers: Record<string, string>): Promise<Response> {
    let url = `${this.base}${path}`;
    let response: Response;
    // Redirects are followed by hand, and only within the registry itself: a registry the
    // learner names must not send the grader to another service (a host loopback port, say).
    for (let hop = 0; ; hop++) {
      try {
        response = await this.fetch(url, { headers, redirect: "manual" });
      } catch (error) {
        throw new RegistryError(`cannot reach ${url}`, { cause: error });
      }
      const location =
        response.status >= 300 && response.status < 400 ? response.headers.get("location") : null;
      if (location === null) break;
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== new URL(this.base).origin || hop >= 5)
        throw new RegistryError(
          `${this.description}: GET ${path} redirected to ${next.origin}, outside the registry: not followed`,
        );
      url = next.href;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RegistryError(`${this.description}: GET ${path} answered ${response.status}`, {
        status: response.status,
      });
    }
    return response;
  }
}
