import { createHash } from "node:crypto";
import { CliError, EXIT } from "../exit-codes.js";

/** One process's share of a migration: ids whose shard number is `index`, out of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `--shard I/N` with 0 <= I < N. */
export function parseShard(text: string): Shard {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  if (!match) throw new CliError(`--shard must look like I/N (e.g. 0/4), got "${text}"`, EXIT.usage);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || index >= count) {
    throw new CliError(`--shard ${text}: need 0 <= I < N and N >= 1`, EXIT.usage);
  }
  return { index, count };
}

/**
 * The shard of an id among `count`: the first 4 bytes of md5(UTF-8 id), read as an unsigned big-endian
 * 32-bit integer, modulo `count`. Stable across processes, machines and backends (documented in the README).
 */
export function shardOf(id: string, count: number): number {
  if (count === 1) return 0;
  return createHash("md5").update(id, "utf8").digest().readUInt32BE(0) % count;
}

export function inShard(id: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(id, shard.count) === shard.index;
}

export const shardText = (shard: Shard | undefined): string | null =>
  shard === undefined ? null : `${shard.index}/${shard.count}`;
