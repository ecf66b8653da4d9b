/**
 * Pure parser for `docker buildx du --verbose` (buildx 0.13 has no JSON format for it): records
 * separated by blank lines, `Key:<tabs>value` lines. Cache mounts (`RUN --mount=type=cache`) are
 * the records of type `exec.cachemount`.
 */
export interface DiskUsageRecord {
  readonly id: string;
  readonly type: string;
  readonly description: string;
  readonly sizeBytes: number;
  readonly usageCount: number;
  readonly mutable: boolean;
  readonly lastUsed: string | undefined;
}

export interface CacheMountRecord extends DiskUsageRecord {
  /** Target path inside the build step, e.g. /root/.npm. */
  readonly target: string | undefined;
  /** The mount's cache id (BuildKit defaults it to the target). */
  readonly cacheId: string | undefined;
}

export function parseDiskUsage(text: string): DiskUsageRecord[] {
  const records: DiskUsageRecord[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split("\n")) {
      const m = /^([A-Za-z ]+):\s*(.*)$/.exec(line.trim());
      if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1].trim().toLowerCase(), m[2].trim());
    }
    const id = fields.get("id");
    if (!id) continue;
    records.push({
      id,
      type: fields.get("type") ?? "unknown",
      description: fields.get("description") ?? "",
      sizeBytes: parseSize(fields.get("size") ?? "0"),
      usageCount: Number(fields.get("usage count") ?? "0") || 0,
      mutable: fields.get("mutable") === "true",
      lastUsed: fields.get("last used"),
    });
  }
  return records;
}

export function cacheMounts(records: readonly DiskUsageRecord[]): CacheMountRecord[] {
  return records
    .filter((r) => r.type === "exec.cachemount")
    .map((r) => {
      const m = /^cached mount (\S+) from exec .* with id "([^"]*)"$/s.exec(r.description);
      return { ...r, target: m?.[1], cacheId: m?.[2] };
    });
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "8.192kB" -> 8192; go-units' decimal sizes as buildx prints them. */
export function parseSize(text: string): number {
  const m = /^([\d.]+)\s*([a-zA-Z]*)$/.exec(text.trim());
  if (!m?.[1]) return 0;
  const unit = UNITS[(m[2] ?? "b").toLowerCase() || "b"] ?? 1;
  return Math.round(Number(m[1]) * unit);
}
