/** Where a planted secret was found: every place a consumer of the image or its cache can read. */
export type LeakPlace = "history" | "config" | "layer" | "attestation" | "cache";

export interface LeakFinding {
  readonly place: LeakPlace;
  /** Human-readable location: layer digest and path, history entry, config field... */
  readonly where: string;
  /** How the value appeared: plain, base64+N, hex, url. */
  readonly encodings: readonly string[];
  /** The build step that produced it (history `created_by`), when known. */
  readonly createdBy?: string;
  /** For layer files: removed by a later layer, yet still shipped in the earlier one. */
  readonly deletedLater?: boolean;
}
