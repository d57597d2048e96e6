import { positiveInt } from "@nodestore/core";
import type pg from "pg";
import type { TableName } from "./sql.js";

/** Options of `DjangoPgBackend`; Sentry's Django backend has no options beyond its database connection. */
export interface DjangoPgOptions {
  /** A pool you own (not closed by `close()`), or a connection string (we create and close the pool). */
  readonly pool?: pg.Pool;
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
}

export interface ResolvedDjangoPgOptions {
  readonly tableName: TableName;
  readonly readBatch: number;
  readonly writeBatch: number;
  readonly cleanupBatch: number;
  readonly cleanupPause: number;
}

export function resolveDjangoPgOptions(options: DjangoPgOptions): ResolvedDjangoPgOptions {
  if ((options.pool === undefined) === (options.connectionString === undefined)) {
    throw new TypeError("DjangoPgBackend needs exactly one of `pool` or `connectionString`");
  }
  return {
    tableName: { schema: options.schema, table: options.table ?? "nodestore_node" },
    readBatch: positiveInt(options.readBatchSize ?? 1000, "readBatchSize"),
    writeBatch: positiveInt(options.writeBatchSize ?? 500, "writeBatchSize"),
    cleanupBatch: positiveInt(options.cleanupBatchSize ?? 10_000, "cleanupBatchSize"),
    cleanupPause: options.cleanupPauseMs ?? 0,
  };
}
