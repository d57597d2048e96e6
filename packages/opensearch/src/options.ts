import { InvalidArgumentError, positiveInt } from "@nodestore/core";
import type { Client } from "@opensearch-project/opensearch";
import type { OpenSearchClientOptions } from "./client.js";
import { readPythonEnv } from "./env.js";
import { DEFAULT_INDEX, type IndexNaming, indexNaming } from "./indices.js";

/** Options of `OpenSearchBackend`, named after the Python plugin's where they have a counterpart. */
export interface OpenSearchBackendOptions extends OpenSearchClientOptions {
  /**
   * A client you own (not closed by `close()`), like the plugin's `es`; then the connection options above must
   * be left out. Its own retry and timeout settings apply, and `requestTimeoutMs` still bounds every call.
   */
  readonly client?: Client;
  /**
   * Daily index pattern (Python: `index`). Default `sentry-{prefix}-{date}`, which is `sentry-{date}`
   * without a prefix and `sentry-<prefix>-{date}` with one. `{date}` is the **UTC** day (`YYYY-MM-DD`); the
   * plugin uses the Sentry process's local day.
   */
  readonly index?: string;
  /** Index prefix (env `SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX`). Default: none. */
  readonly indexPrefix?: string;
  /** Alias every daily index joins and reads go through (Python: `alias_name`). Default `sentry`. */
  readonly aliasName?: string;
  /** Composable index template `bootstrap()` creates (Python: `template_name`). Default `sentry`. */
  readonly templateName?: string;
  /** The template's `index_patterns` (env `SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN`). Default `sentry-*`. */
  readonly indexPattern?: string;
  /** Template shards (env `SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS`). Default 3, as Python. */
  readonly shards?: number;
  /** Template replicas (env `SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA`). Default 1, as Python. */
  readonly replicas?: number;
  /**
   * Template `index.codec` (env `SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC`). Default: `zstd` when the cluster
   * has it (the custom-codecs plugin), else `best_compression`, said in `bootstrap()`'s report. A codec you set
   * (here or in the env) that the cluster lacks fails `bootstrap()` naming the codecs it has.
   */
  readonly codec?: string;
  /**
   * Writes wait for a refresh (Python: `refresh`): `true` or `"wait_for"`. Default false. Not needed to read
   * your own writes here (reads are real-time gets); Python's reads go through search and need it.
   */
  readonly refresh?: boolean | "wait_for";
  /**
   * `bootstrap()` replaces an existing template that differs from ours. Default false: an existing template is
   * never changed (as Python), its differences are reported.
   */
  readonly overwriteTemplate?: boolean;
  /**
   * Where to read the five `SENTRY_NODESTORE_OPENSEARCH_*` variables. Default `process.env`; `{}` to ignore
   * them. Options set here win over the environment.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bytes of JSON per `_bulk` request; `setMulti` sends one request unless its body is larger. Default 50 MiB. */
  readonly bulkMaxBytes?: number;
  /** (id, index) pairs per `_mget`: a `getMulti` of ids × indices above it is split. Default 10 000. */
  readonly mgetMaxDocs?: number;
  /**
   * How long the alias's index list is reused by reads and deletes before it is fetched again, ms. Default
   * 60 000. Yesterday's, today's and tomorrow's names are always read, so this only delays seeing an index of
   * another name added to the alias (a reindexed `-fixed` copy); `0` fetches it before every call.
   */
  readonly indexListTtlMs?: number;
  /** Drop only whole days (`"day"`, default) or also delete older documents of the boundary day (`"exact"`). */
  readonly cleanupPrecision?: "day" | "exact";
  /**
   * Largest decompressed value in bytes: `set` refuses larger, a stored value inflating past it reads as
   * `CorruptNodeError`. Default 64 MiB (its base64 must also fit the cluster's `http.max_content_length`,
   * 100 MB by default).
   */
  readonly maxValueBytes?: number;
  /** Where bootstrap reports and Python env warnings go. Default `console.warn`. */
  readonly onWarning?: (message: string) => void;
  /** The clock (write index day, document timestamps). Default `() => new Date()`. For tests and backfills. */
  readonly now?: () => Date;
}

export interface ResolvedOpenSearchOptions {
  readonly naming: IndexNaming;
  readonly alias: string;
  readonly template: string;
  readonly indexPattern: string;
  readonly shards: number;
  readonly replicas: number;
  /** undefined = auto (zstd, else best_compression). */
  readonly codec: string | undefined;
  readonly refresh: boolean | "wait_for";
  readonly overwriteTemplate: boolean;
  readonly bulkMaxBytes: number;
  readonly mgetMaxDocs: number;
  readonly indexListTtlMs: number;
  readonly cleanupPrecision: "day" | "exact";
  readonly maxValueBytes: number;
  readonly warn: (message: string) => void;
  readonly now: () => Date;
  readonly envWarnings: readonly string[];
}

export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;

export function resolveOpenSearchOptions(options: OpenSearchBackendOptions): ResolvedOpenSearchOptions {
  const env = readPythonEnv(options.env ?? process.env);
  const name = (value: string | undefined, fallback: string, what: string): string => {
    const v = value ?? fallback;
    if (typeof v !== "string" || v.trim() === "")
      throw new InvalidArgumentError(`${what} must be a non-empty string`);
    return v;
  };
  const shards = options.shards ?? env.shards ?? 3;
  const replicas = options.replicas ?? env.replicas ?? 1;
  if (!Number.isInteger(shards) || shards < 1) {
    throw new InvalidArgumentError(`number of shards must be an integer >= 1, got ${shards}`);
  }
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new InvalidArgumentError(`number of replicas must be an integer >= 0, got ${replicas}`);
  }
  const refresh = options.refresh ?? false;
  if (refresh !== true && refresh !== false && refresh !== "wait_for") {
    throw new InvalidArgumentError(`refresh must be true, false or "wait_for", got ${String(refresh)}`);
  }
  const precision = options.cleanupPrecision ?? "day";
  if (precision !== "day" && precision !== "exact") {
    throw new InvalidArgumentError(`cleanupPrecision must be "day" or "exact", got ${String(precision)}`);
  }
  const ttl = options.indexListTtlMs ?? 60_000;
  if (!Number.isInteger(ttl) || ttl < 0) {
    throw new InvalidArgumentError(`indexListTtlMs must be an integer >= 0, got ${ttl}`);
  }
  return {
    naming: indexNaming(options.index ?? DEFAULT_INDEX, options.indexPrefix ?? env.prefix),
    alias: name(options.aliasName, "sentry", "aliasName"),
    template: name(options.templateName, "sentry", "templateName"),
    indexPattern: name(options.indexPattern ?? env.indexPattern, "sentry-*", "indexPattern"),
    shards,
    replicas,
    codec: options.codec ?? env.codec,
    refresh,
    overwriteTemplate: options.overwriteTemplate ?? false,
    bulkMaxBytes: positiveInt(options.bulkMaxBytes ?? 50 * 1024 * 1024, "bulkMaxBytes"),
    mgetMaxDocs: positiveInt(options.mgetMaxDocs ?? 10_000, "mgetMaxDocs"),
    indexListTtlMs: ttl,
    cleanupPrecision: precision,
    maxValueBytes: positiveInt(options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES, "maxValueBytes"),
    warn: options.onWarning ?? ((m) => console.warn(`[@nodestore/opensearch] ${m}`)),
    now: options.now ?? (() => new Date()),
    envWarnings: env.warnings,
  };
}
