import type { Readable } from "node:stream";
import type { ImageIndex, ImageManifest } from "./oci-types.ts";

/** Somewhere images can be read from: a registry over the distribution API, or an OCI layout. */
export interface ImageSource {
  readonly description: string;
  /** An index or manifest by tag or digest. */
  manifest(
    reference: string,
  ): Promise<{ document: ImageIndex | ImageManifest; digest: string; text: string }>;
  /** A blob's bytes, streamed. */
  blob(digest: string): Promise<Readable>;
  /** A small blob (config, attestation) as JSON. */
  json(digest: string): Promise<unknown>;
}
