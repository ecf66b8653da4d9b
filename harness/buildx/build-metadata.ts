/** Pure parser for the file `docker buildx build --metadata-file` writes. */
export interface BuildMetadata {
  readonly imageDigest: string | undefined;
  readonly configDigest: string | undefined;
  readonly imageName: string | undefined;
  readonly buildRef: string | undefined;
  readonly mediaType: string | undefined;
}

export function parseBuildMetadata(text: string): BuildMetadata {
  const empty: BuildMetadata = {
    imageDigest: undefined,
    configDigest: undefined,
    imageName: undefined,
    buildRef: undefined,
    mediaType: undefined,
  };
  if (!text.trim()) return empty;
  const raw: unknown = JSON.parse(text);
  if (typeof raw !== "object" || raw === null) return empty;
  const get = (key: string): string | undefined => {
    const v = (raw as Record<string, unknown>)[key];
    return typeof v === "string" ? v : undefined;
  };
  const descriptor = (raw as Record<string, unknown>)["containerimage.descriptor"];
  const mediaType =
    typeof descriptor === "object" &&
    descriptor !== null &&
    typeof (descriptor as Record<string, unknown>)["mediaType"] === "string"
      ? String((descriptor as Record<string, unknown>)["mediaType"])
      : undefined;
  return {
    imageDigest: get("containerimage.digest"),
    configDigest: get("containerimage.config.digest"),
    imageName: get("image.name"),
    buildRef: get("buildx.build.ref"),
    mediaType,
  };
}
