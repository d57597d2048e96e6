import { DEFAULT_MAX_VALUE_BYTES, positiveInt } from "@nodestore/core";
import type pg from "pg";
import { checkConnectionString } from "./connection-string.js";
import type { TableName } from "./sql.js";

/** Options of `DjangoPgBackend`; Sentry's Django backend has no options beyond its database connection. */
export interface DjangoPgOptions {
  /**
   * A pool you own (not closed by `close()`), or a connection string (we create and close the pool). On a pool
   * you pass, its own settings apply (`connectionTimeoutMillis`, `max`, ...); `queryTimeoutMs` still bounds
   * every statement and `connectTimeoutMs` how long a call waits for a connection from it.
   */
  readonly pool?: pg.Pool;
  /**
   * `postgres://user:password@host:port/database` (or a Unix socket path). Checked at construction: a string
   * that is not such a URL is an `InvalidArgumentError` naming the problem, never echoing the password.
   */
  readonly connectionString?: string;
  /** Default `nodestore_node`. */
  readonly table?: string;
  /** Default: none, i.e. the connection's `search_path`, as Django does. */
  readonly schema?: string;
  /** Ids per `= ANY($1)` read or delete statement. Default 1000. */
  readonly readBatchSize?: number;
  /** Rows per upsert statement in `setMulti`. Default 500. */
  readonly writeBatchSize?: number;
  /** Rows per cleanup statement. Default 10 000, as Sentry's cleanup. */
  readonly cleanupBatchSize?: number;
  /** Pause between cleanup statements, to leave room for the live workload. Default 0. */
  readonly cleanupPauseMs?: number;
  /**
   * How long a call waits for a connection: opening one (pg `connectionTimeoutMillis` on the pool we create)
   * or getting a free one from the pool. Past it the call fails with `BackendUnavailableError`. Default 5000.
   */
  readonly connectTimeoutMs?: number;
  /**
   * Client-side bound on each statement (pg's per-query `query_timeout`, so it holds on a pool you pass too):
   * it fires even when the server or the network is silent, with `BackendUnavailableError`, and the
   * connection is discarded. A `getMulti`/`setMulti`/`deleteMulti` of many ids runs one statement per batch,
   * each with this bound. Default 30 000.
   */
  readonly queryTimeoutMs?: number;
  /**
   * The same bound for each `cleanup()` statement (up to `cleanupBatchSize` rows), `reclaimSpace("vacuum")` and
   * `tableSize()` (a row count), which can be slow on a large table. `reclaimSpace("full")` has no client-side
   * bound unless you pass one (see its doc). Default 600 000 (10 minutes).
   */
  readonly maintenanceTimeoutMs?: number;
  /**
   * Largest decompressed value, in bytes: `set` refuses a larger one (`PayloadTooLargeError`) and a stored row
   * that inflates past it reads as `CorruptNodeError` naming the id, instead of exhausting memory (a 1 MB row
   * can hold a zlib bomb of 1 GB). Default core's `DEFAULT_MAX_VALUE_BYTES`, 64 MiB (Sentry's nodes are a few
   * MiB at most); raise it only if you store larger values, and keep it within what your readers can hold.
   */
  readonly maxValueBytes?: number;
}

export interface ResolvedDjangoPgOptions {
  readonly tableName: TableName;
  readonly readBatch: number;
  readonly writeBatch: number;
  readonly cleanupBatch: number;
  readonly cleanupPause: number;
  readonly connectTimeout: number;
  readonly queryTimeout: number;
  readonly maintenanceTimeout: number;
  readonly maxValueBytes: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;
export const DEFAULT_MAINTENANCE_TIMEOUT_MS = 600_000;

/** Node's timers hold at most 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function timeoutMs(value: number, name: string): number {
  positiveInt(value, name);
  if (value > MAX_TIMER_MS) throw new RangeError(`${name} must be at most ${MAX_TIMER_MS} ms, got ${value}`);
  return value;
}

export function resolveDjangoPgOptions(options: DjangoPgOptions): ResolvedDjangoPgOptions {
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new TypeError("DjangoPgBackend needs exactly one of `pool` or `connectionString`");
  }
  if (options.connectionString !== undefined) checkConnectionString(options.connectionString);
  return {
    tableName: { schema: options.schema, table: options.table ?? "nodestore_node" },
    readBatch: positiveInt(options.readBatchSize ?? 1000, "readBatchSize"),
    writeBatch: positiveInt(options.writeBatchSize ?? 500, "writeBatchSize"),
    cleanupBatch: positiveInt(options.cleanupBatchSize ?? 10_000, "cleanupBatchSize"),
    cleanupPause: options.cleanupPauseMs ?? 0,
    connectTimeout: timeoutMs(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, "connectTimeoutMs"),
    queryTimeout: timeoutMs(options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS, "queryTimeoutMs"),
    maintenanceTimeout: timeoutMs(
      options.maintenanceTimeoutMs ?? DEFAULT_MAINTENANCE_TIMEOUT_MS,
      "maintenanceTimeoutMs",
    ),
    maxValueBytes: positiveInt(options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES, "maxValueBytes"),
  };
}
