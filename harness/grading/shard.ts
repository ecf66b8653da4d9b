import { createHash } from "node:crypto";

/** One of `count` slices of a class, numbered from 1 (`--shard 2/4`). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export type ShardParse =
  { readonly ok: true; readonly shard: Shard } | { readonly ok: false; readonly message: string };

/** `K/N` with 1 ≤ K ≤ N ≤ 1000 (pure). */
export function parseShard(text: string): ShardParse {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > 1000 || index < 1 || index > count)
    return { ok: false, message: `--shard takes K/N with 1 <= K <= N <= 1000 (e.g. 2/4), not "${text}"` };
  return { ok: true, shard: { index, count } };
}

/**
 * Whether a learner falls in a shard: by a hash of the learner's folder name, so a learner stays
 * in the same shard when others join or leave the class, and every learner is in exactly one.
 */
export function inShard(learner: string, shard: Shard): boolean {
  const bucket = createHash("sha256").update(learner).digest().readUInt32BE(0) % shard.count;
  return bucket === shard.index - 1;
}
