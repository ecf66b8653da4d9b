import { ImageReference } from "../../inspect/image-reference.ts";
import { readImage, type ImageRead } from "../../inspect/image-reader.ts";
import { RegistrySource } from "../../inspect/registry-source.ts";

export interface PushedImage {
  readonly ref: ImageReference;
  readonly source: RegistrySource;
  readonly read: ImageRead;
}

/** Reads what a build pushed to the run's registry: the index (or manifest) and each platform's image. */
export async function readPushedImage(tag: string): Promise<PushedImage> {
  const ref = ImageReference.parse(tag);
  const source = new RegistrySource(ref);
  return { ref, source, read: await readImage(source, ref.reference) };
}
