import { InvalidArgumentError, positiveInt } from "@nodestore/core";

/**
 * Options of `TablestoreBackend`, named after the Python plugin's (`TablestoreNodeStorage(instance, table,
 * automatic_expiry, default_ttl, compression, reserved_throughput, **client_options)`; the client options are
 * the Python SDK's `OTSClient` arguments).
 */
export interface TablestoreOptions {
  /** `https://<instance>.<region>.ots.aliyuncs.com` (Python `end_point`). Required. */
  readonly endpoint: string;
  /** Instance name (Python `instance`). Default `sentry`, as the plugin. */
  readonly instance?: string;
  /** Table name (Python `table`). Default `nodestore`. */
  readonly table?: string;
  /** AccessKey ID (Python `access_key_id`). Required. Never logged or put in a message. */
  readonly accessKeyId: string;
  /** AccessKey secret (Python `access_key_secret`). Required. Never logged or put in a message. */
  readonly accessKeySecret: string;
  /** STS security token, for temporary credentials (Python `sts_token`). */
  readonly stsToken?: string;
  /**
   * Python `compression`: `true` or `"zlib"` (flags 1), `"zstd"` (flags 2), `false` (raw). Default `false`, as
   * the plugin; `"zstd"` is what the plugin's README recommends. With compression every value is compressed
   * (as the plugin does), so the plugin can read every row written here.
   */
  readonly compression?: boolean | "zlib" | "zstd";
  /**
   * Seconds (Python `default_ttl`, a timedelta). When set, a read whose `data` cell is older than this returns
   * null, as the plugin and Sentry's Bigtable backend do, even without `automaticExpiry`. Default: none.
   */
  readonly defaultTtl?: number;
  /**
   * Python `automatic_expiry`: `bootstrap()` sets the table's time-to-live to `defaultTtl` (Tablestore then
   * drops expired rows itself; it requires at least 86 400 s), instead of -1 (keep forever). Default false.
   */
  readonly automaticExpiry?: boolean;
  /** Reserved read/write capacity units set by `bootstrap()` (Python `reserved_throughput`). Default 0 / 0. */
  readonly reservedThroughput?: { readonly read: number; readonly write: number };
  /** Time to open a TCP (or TLS) connection, ms. Default 5 000. */
  readonly connectTimeoutMs?: number;
  /**
   * Bound on each request, from sending it to the whole answer, ms; also the longest socket silence. Default
   * 30 000 (the Python SDK's `socket_timeout` is 50 s). A batch sends one request per chunk, each so bounded.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Retries after the first try, on "try later" answers (OTSServerBusy, OTSQuotaExhausted "Too frequent table
   * operations.", OTSTimeout, OTSInternalServerError, OTSPartitionUnavailable, OTSServerUnavailable,
   * OTSRowOperationConflict, OTSTableNotReady, OTSNotEnoughCapacityUnit, HTTP 5xx) and network failures, with
   * core's exponential backoff; a batch retries only its failed rows. Default 3. (The SDK's own retries are
   * turned off: see README.)
   */
  readonly retryAttempts?: number;
  /** Sockets kept to the endpoint (Python `max_connection`, default 50). Default 50. */
  readonly maxSockets?: number;
  /** Rows per BatchGetRow (Tablestore's limit: 100). Default 100. */
  readonly readBatchSize?: number;
  /** Rows per BatchWriteRow (Tablestore's limit: 200; a chunk also stays under the 4 MB request limit). Default 200. */
  readonly writeBatchSize?: number;
  /** Batch requests in flight at once for one getMulti / setMulti / deleteMulti. Default 4. */
  readonly batchConcurrency?: number;
  /**
   * Largest decompressed value, bytes: `set` refuses a larger one (`PayloadTooLargeError`) and a stored value
   * that inflates past it reads as `CorruptNodeError`. Default 64 MiB. Independently, the stored (compressed)
   * value is limited to 2 MiB, Tablestore's limit for one cell, checked before any request.
   */
  readonly maxValueBytes?: number;
}

export type CompressionName = "zlib" | "zstd" | undefined;

export interface ResolvedTablestoreOptions {
  readonly endpoint: string;
  readonly instance: string;
  readonly table: string;
  readonly compression: CompressionName;
  readonly defaultTtl: number | undefined;
  readonly automaticExpiry: boolean;
  readonly reserved: { readonly read: number; readonly write: number };
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retryAttempts: number;
  readonly maxSockets: number;
  readonly readBatch: number;
  readonly writeBatch: number;
  readonly batchConcurrency: number;
  readonly maxValueBytes: number;
}

/** Tablestore's limits (Limits on the Wide Column model). */
export const LIMITS = {
  /** One STRING/BINARY attribute value: the plugin's `max_size`. */
  cellBytes: 2 * 1024 * 1024,
  /** One STRING primary-key value (the node id), UTF-8. */
  pkBytes: 1024,
  batchGetRows: 100,
  batchWriteRows: 200,
  /** Rows in one GetRange answer (which also stops at 4 MB). */
  rangeRows: 5000,
  /** Data of one BatchWriteRow (primary keys, column names and values). */
  batchWriteBytes: 4 * 1024 * 1024,
  /** A table's time-to-live: -1 or at least one day. */
  minTtlSeconds: 86_400,
} as const;

const MAX_TIMER_MS = 2 ** 31 - 1;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

function timeout(value: number, name: string): number {
  positiveInt(value, name);
  if (value > MAX_TIMER_MS) throw new RangeError(`${name} must be at most ${MAX_TIMER_MS} ms, got ${value}`);
  return value;
}

function batch(value: number, name: string, max: number): number {
  positiveInt(value, name);
  if (value > max) throw new RangeError(`${name} must be at most ${max} (Tablestore's limit), got ${value}`);
  return value;
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new InvalidArgumentError(`TablestoreBackend needs \`${name}\` (a non-empty string)`);
  }
  return value;
}

function compressionOf(value: TablestoreOptions["compression"]): CompressionName {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === "zlib") return "zlib";
  if (value === "zstd") return "zstd";
  throw new InvalidArgumentError(
    `compression must be true, false, "zlib" or "zstd", got ${JSON.stringify(value)}`,
  );
}

export function resolveTablestoreOptions(options: TablestoreOptions): ResolvedTablestoreOptions {
  const endpoint = nonEmpty(options.endpoint, "endpoint");
  if (!/^https?:\/\/[^/]/.test(endpoint)) {
    throw new InvalidArgumentError(
      "endpoint must be an http:// or https:// URL, e.g. https://sentry.cn-hangzhou.ots.aliyuncs.com",
    );
  }
  nonEmpty(options.accessKeyId, "accessKeyId");
  nonEmpty(options.accessKeySecret, "accessKeySecret");
  const table = options.table ?? "nodestore";
  if (!TABLE_NAME.test(table)) {
    throw new InvalidArgumentError(
      `table ${JSON.stringify(table)} is not a Tablestore table name (1-255 letters, digits and underscores, not starting with a digit)`,
    );
  }
  const defaultTtl =
    options.defaultTtl === undefined ? undefined : positiveInt(options.defaultTtl, "defaultTtl");
  const automaticExpiry = options.automaticExpiry ?? false;
  if (automaticExpiry && defaultTtl === undefined) {
    throw new InvalidArgumentError("automaticExpiry needs defaultTtl (the table's time-to-live, in seconds)");
  }
  if (automaticExpiry && defaultTtl !== undefined && defaultTtl < LIMITS.minTtlSeconds) {
    throw new InvalidArgumentError(
      `with automaticExpiry, defaultTtl becomes the table's time-to-live, which Tablestore requires to be at least ${LIMITS.minTtlSeconds} s; got ${defaultTtl}`,
    );
  }
  const reserved = options.reservedThroughput ?? { read: 0, write: 0 };
  for (const key of ["read", "write"] as const) {
    if (!Number.isInteger(reserved[key]) || reserved[key] < 0) {
      throw new RangeError(`reservedThroughput.${key} must be an integer >= 0, got ${reserved[key]}`);
    }
  }
  const retryAttempts = options.retryAttempts ?? 3;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0) {
    throw new RangeError(`retryAttempts is a count of retries >= 0, got ${retryAttempts}`);
  }
  return {
    endpoint,
    instance: nonEmpty(options.instance ?? "sentry", "instance"),
    table,
    compression: compressionOf(options.compression),
    defaultTtl,
    automaticExpiry,
    reserved: { read: reserved.read, write: reserved.write },
    connectTimeoutMs: timeout(options.connectTimeoutMs ?? 5_000, "connectTimeoutMs"),
    requestTimeoutMs: timeout(options.requestTimeoutMs ?? 30_000, "requestTimeoutMs"),
    retryAttempts,
    maxSockets: positiveInt(options.maxSockets ?? 50, "maxSockets"),
    readBatch: batch(options.readBatchSize ?? LIMITS.batchGetRows, "readBatchSize", LIMITS.batchGetRows),
    writeBatch: batch(
      options.writeBatchSize ?? LIMITS.batchWriteRows,
      "writeBatchSize",
      LIMITS.batchWriteRows,
    ),
    batchConcurrency: positiveInt(options.batchConcurrency ?? 4, "batchConcurrency"),
    maxValueBytes: positiveInt(options.maxValueBytes ?? 64 * 1024 * 1024, "maxValueBytes"),
  };
}
