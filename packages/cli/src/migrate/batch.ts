/**
 * The engine's parts that touch stores, per batch of ids: read from the source, write to the target, verify,
 * delete from the source. Shared by `migrate`, `export` (read side) and `import` (write side).
 */
import { Buffer } from "node:buffer";
import {
  CorruptNodeError,
  deleteMany,
  getBytesMany,
  isNetworkError,
  type NodeBackend,
  NodestoreError,
  type RetryPolicy,
  setBytesMany,
  validateNodeId,
  withRetries,
} from "@nodestore/core";
import type { FailedId } from "./failed-ids.js";

export interface BatchSettings {
  /** Parallel single calls inside one batch, for backends without a batch call (S3). */
  readonly ioConcurrency: number;
  readonly retry?: RetryPolicy;
}

/** Worth retrying: the store was unreachable, timed out or asked to slow down. */
export function isRetryable(error: unknown): boolean {
  return (error instanceof NodestoreError && error.retryable) || isNetworkError(error);
}

/**
 * A whole batch is retried more patiently than one call (core's default: 3 retries within ~1 s): a copy that
 * runs for hours should ride out a server's pause of several seconds (a loaded SeaweedFS, a Postgres failover)
 * rather than stop and need `--resume`. 6 retries, full jitter up to 250 ms × 2^n, at most 8 s each: up to
 * ~16 s of waiting, on top of each backend's own retries.
 */
export const BATCH_RETRY: RetryPolicy = { retries: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

const retrying = <T>(settings: BatchSettings, fn: () => Promise<T>) =>
  withRetries(fn, isRetryable, settings.retry ?? BATCH_RETRY);

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split("\n", 1)[0]!;

export interface ReadResult {
  /** Present nodes, in the order asked. */
  readonly found: Array<readonly [id: string, bytes: Uint8Array]>;
  /** Absent at read time (deleted since the scan). */
  readonly vanished: number;
  /** Corrupt nodes (stored bytes that do not decode). */
  readonly failed: FailedId[];
}

export async function readBatch(
  source: NodeBackend,
  ids: readonly string[],
  settings: BatchSettings,
): Promise<ReadResult> {
  const found: Array<readonly [string, Uint8Array]> = [];
  const failed: FailedId[] = [];
  let vanished = 0;
  if (ids.length === 0) return { found, vanished, failed };
  const values = await retrying(settings, () => getBytesMany(source, ids, settings.ioConcurrency));
  for (const id of ids) {
    const value = values.get(id);
    if (value === null || value === undefined) vanished++;
    else if (value instanceof CorruptNodeError) failed.push({ id, reason: `corrupt: ${firstLine(value)}` });
    else found.push([id, value]);
  }
  return { found, vanished, failed };
}

/** One node to write: `id` in the target, `sourceId` where it came from (what the failed-ids file names). */
export interface WriteEntry {
  readonly sourceId: string;
  readonly id: string;
  readonly bytes: Uint8Array;
}

export interface WriteResult {
  /** Written (and, with verify, found byte-equal). */
  readonly done: WriteEntry[];
  readonly written: number;
  /** Left alone with `skipExisting`: the target already had the id (a newer copy, e.g. written by Sentry). */
  readonly keptExisting: number;
  readonly bytes: number;
  readonly verified: number;
  readonly mismatched: number;
  readonly failed: FailedId[];
}

/**
 * Writes `entries` to `target` in one batch call (retried while retryable). Ids or sizes the target refuses
 * are failed up front; a batch refused for another non-retryable reason is written one node at a time so only
 * the bad nodes fail. With `verify`, the target is re-read and compared byte for byte.
 */
export async function writeBatch(
  target: NodeBackend,
  entries: readonly WriteEntry[],
  options: BatchSettings & { readonly verify: boolean; readonly skipExisting?: boolean },
): Promise<WriteResult> {
  const failed: FailedId[] = [];
  let valid: WriteEntry[] = [];
  for (const entry of entries) {
    const refusal = refusalOf(target, entry);
    if (refusal === undefined) valid.push(entry);
    else failed.push({ id: entry.sourceId, reason: refusal });
  }
  let keptExisting = 0;
  if (options.skipExisting && valid.length > 0) {
    // One batch read of the target: what is there stays (a corrupt copy counts as absent and is replaced).
    const ids = valid.map((e) => e.id);
    const present = await retrying(options, () => getBytesMany(target, ids, options.ioConcurrency));
    const absent = valid.filter((e) => {
      const value = present.get(e.id);
      return value === null || value === undefined || value instanceof CorruptNodeError;
    });
    keptExisting = valid.length - absent.length;
    valid = absent;
  }
  let written: WriteEntry[] = valid;
  if (valid.length > 0) {
    try {
      await retrying(options, () =>
        setBytesMany(
          target,
          valid.map((e) => [e.id, e.bytes] as const),
          undefined,
          options.ioConcurrency,
        ),
      );
    } catch (error) {
      if (isRetryable(error)) throw error;
      written = [];
      for (const entry of valid) {
        try {
          await retrying(options, () => target.setBytes(entry.id, entry.bytes));
          written.push(entry);
        } catch (single) {
          if (isRetryable(single)) throw single;
          failed.push({ id: entry.sourceId, reason: `write: ${firstLine(single)}` });
        }
      }
    }
  }
  let done = written;
  let verified = 0;
  let mismatched = 0;
  if (options.verify && written.length > 0) {
    const ids = written.map((e) => e.id);
    const values = await retrying(options, () => getBytesMany(target, ids, options.ioConcurrency));
    done = [];
    for (const entry of written) {
      const value = values.get(entry.id);
      let problem: string | undefined;
      if (value === null || value === undefined) problem = "verify: absent in the target after writing";
      else if (value instanceof CorruptNodeError)
        problem = `verify: target copy is corrupt: ${firstLine(value)}`;
      else if (!Buffer.from(value.buffer, value.byteOffset, value.byteLength).equals(entry.bytes)) {
        problem = `verify: target bytes differ (${value.byteLength} bytes, expected ${entry.bytes.byteLength})`;
      }
      if (problem === undefined) {
        verified++;
        done.push(entry);
      } else {
        mismatched++;
        failed.push({ id: entry.sourceId, reason: problem });
      }
    }
  }
  const bytes = written.reduce((n, e) => n + e.bytes.byteLength, 0);
  return { done, written: written.length, keptExisting, bytes, verified, mismatched, failed };
}

function refusalOf(target: NodeBackend, entry: WriteEntry): string | undefined {
  try {
    validateNodeId(entry.id, target.idRules, target.name);
  } catch (error) {
    return `target refuses the id: ${firstLine(error)}`;
  }
  if (target.maxValueBytes !== undefined && entry.bytes.byteLength > target.maxValueBytes) {
    return `too large for the target: ${entry.bytes.byteLength} bytes, limit ${target.maxValueBytes}`;
  }
  return undefined;
}

export async function deleteBatch(
  source: NodeBackend,
  ids: readonly string[],
  settings: BatchSettings,
): Promise<void> {
  if (ids.length === 0) return;
  await retrying(settings, () => deleteMany(source, ids, settings.ioConcurrency));
}
