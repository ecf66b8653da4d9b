import type { Buildx } from "./buildx.ts";
import {
  cacheMounts,
  parseDiskUsage,
  type CacheMountRecord,
  type DiskUsageRecord,
} from "./cache-mount-record.ts";

/** `docker buildx du --verbose` on the run's builder. */
export class DiskUsage {
  private readonly buildx: Buildx;
  constructor(buildx: Buildx) {
    this.buildx = buildx;
  }

  async records(): Promise<DiskUsageRecord[]> {
    const result = await this.buildx.buildx(["du", "--verbose"], { timeoutMs: 60_000 });
    return parseDiskUsage(result.stdout);
  }

  async cacheMounts(): Promise<CacheMountRecord[]> {
    return cacheMounts(await this.records());
  }
}
