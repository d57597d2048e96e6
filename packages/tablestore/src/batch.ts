import { chunks, mapLimit } from "@nodestore/core";
import type { TablestoreClient } from "./client.js";
import { isRetryableCode, type RowFailure, rowFailureError } from "./errors.js";
import { LIMITS } from "./options.js";
import type { SdkBatchRowResult, SdkCondition } from "./sdk.js";

export interface BatchContext {
  readonly backend: string;
  readonly client: TablestoreClient;
  readonly table: string;
  readonly concurrency: number;
}

/** What a BatchGetRow reads of each row (default: every column, newest version). */
export interface BatchReadOptions {
  readonly columnsToGet?: readonly string[];
  /** [startTime, endTime) in ms: only versions written in it; a row with none is not returned. */
  readonly timeRange?: { readonly startTime: number; readonly endTime: number };
  readonly signal?: AbortSignal;
}

/**
 * Sends one chunk's rows, then again only the rows that failed with a "try later" code, up to the client's
 * retry count with backoff; whole-request failures are retried by the client itself. Throws the failures left
 * (with their ids) after that, or at once when one is not retryable.
 */
async function withRowRetries<T extends { id: string }>(
  ctx: BatchContext,
  operation: string,
  items: readonly T[],
  send: (items: readonly T[]) => Promise<readonly SdkBatchRowResult[]>,
  onOk: (item: T, row: SdkBatchRowResult) => void,
): Promise<void> {
  let pending = items;
  for (let attempt = 0; ; attempt++) {
    const results = await send(pending);
    const failed: T[] = [];
    const failures: RowFailure[] = [];
    pending.forEach((item, i) => {
      const row = results[i];
      if (row?.isOk) {
        onOk(item, row);
        return;
      }
      failed.push(item);
      failures.push({
        id: item.id,
        code: row?.errorCode ?? "OTSInternalServerError",
        message: row?.errorMessage ?? "no result for this row in the answer",
      });
    });
    if (failed.length === 0) return;
    const retryable = failures.every((f) => isRetryableCode(f.code, f.message));
    if (!retryable || attempt >= ctx.client.retryAttempts)
      throw rowFailureError(ctx.backend, operation, failures);
    await ctx.client.backoff(attempt);
    pending = failed;
  }
}

/** BatchGetRow in chunks (at most 100 rows each), `concurrency` chunks in flight; calls `onRow` per id. */
export async function batchGet(
  ctx: BatchContext,
  ids: readonly string[],
  chunkSize: number,
  onRow: (id: string, row: SdkBatchRowResult) => void,
  read: BatchReadOptions = {},
): Promise<void> {
  const { signal, ...what } = read;
  await mapLimit(chunks(ids, chunkSize), ctx.concurrency, (chunk) =>
    withRowRetries(
      ctx,
      "read a batch",
      chunk.map((id) => ({ id })),
      async (items) => {
        const answer = await ctx.client.call<{ tables: SdkBatchRowResult[][] }>(
          "batchGetRow",
          {
            tables: [
              { tableName: ctx.table, primaryKey: items.map((i) => [{ id: i.id }]), maxVersions: 1, ...what },
            ],
          },
          { operation: `read a batch of ${items.length} nodes` },
          signal,
        );
        return answer.tables[0] ?? [];
      },
      (item, row) => onRow(item.id, row),
    ),
  );
}

export interface WriteItem {
  readonly id: string;
  readonly type: "PUT" | "DELETE";
  readonly condition: SdkCondition;
  readonly primaryKey: [{ id: string }];
  readonly attributeColumns?: unknown[];
  /** Data size as the 4 MB request limit counts it. */
  readonly size: number;
}

/** Consecutive groups of at most `maxRows` items and at most 4 MiB of data each. */
export function writeChunks(items: readonly WriteItem[], maxRows: number): WriteItem[][] {
  const out: WriteItem[][] = [];
  let current: WriteItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= maxRows || bytes + item.size > LIMITS.batchWriteBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** BatchWriteRow in chunks (200 rows, 4 MiB), `concurrency` in flight. Every failed row is raised, with its id. */
export async function batchWrite(
  ctx: BatchContext,
  items: readonly WriteItem[],
  chunkSize: number,
  what: string,
): Promise<void> {
  await mapLimit(writeChunks(items, chunkSize), ctx.concurrency, (chunk) =>
    withRowRetries(
      ctx,
      what,
      chunk,
      async (rows) => {
        const answer = await ctx.client.call<{ tables: SdkBatchRowResult[] }>(
          "batchWriteRow",
          {
            tables: [
              {
                tableName: ctx.table,
                rows: rows.map(({ type, condition, primaryKey, attributeColumns }) => ({
                  type,
                  condition,
                  primaryKey,
                  ...(attributeColumns ? { attributeColumns } : {}),
                })),
              },
            ],
          },
          { operation: `${what} (${rows.length} nodes)` },
        );
        // The SDK flattens the answer's tables into one list of rows, in request order.
        return answer.tables;
      },
      () => {},
    ),
  );
}
