import type { CorruptNodeError } from "./errors.js";
import type { IdRules } from "./ids.js";

/** Seconds. Sentry passes a `timedelta`; backends that keep no per-node expiry accept and ignore it. */
export type Ttl = number;

export interface CleanupProgress {
  /** Nodes deleted so far in this run. */
  readonly deleted: number;
  /** Batches (statements, requests) completed so far. */
  readonly batches: number;
}

export interface CleanupOptions {
  readonly onProgress?: (progress: CleanupProgress) => void;
  readonly signal?: AbortSignal;
}

export interface CleanupResult {
  readonly deleted: number;
  readonly batches: number;
}

/** Options of `NodeBackend.scan`. */
export interface ScanOptions {
  /** Continue right after the page whose `cursor` this is (from this process or an earlier one). */
  readonly after?: string;
  /** Only nodes last written at or after this instant. */
  readonly since?: Date;
  /** Only nodes last written before this instant. */
  readonly until?: Date;
  /** Most nodes per page (a hint the backend may lower to its own limit). Default: the backend's natural page. */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/** One node of a scan: its id, and what the backend knows without reading the value. */
export interface ScannedNode {
  readonly id: string;
  /** Last write, where the backend keeps it (a column, LastModified, a field, a cell version). */
  readonly timestamp?: Date;
  /** Size of the stored (compressed, encoded) value, where the listing tells it for free. */
  readonly storedBytes?: number;
}

export interface ScanPage {
  readonly nodes: readonly ScannedNode[];
  /**
   * Opaque, printable, stable across processes: `scan({ after: cursor })` yields exactly the nodes after this
   * page, in the same order. A checkpoint stores it.
   */
  readonly cursor: string;
}

/**
 * What a backend implements: bytes in, bytes out. Core validates ids and payloads, encodes, decodes and
 * composes; a backend only stores. The batch methods are optional: core falls back to the single ones with
 * bounded concurrency, so a backend adds them only where its server has a real batch call.
 */
export interface NodeBackend {
  /** Short name used in errors and logs, e.g. "django-pg". */
  readonly name: string;
  readonly idRules?: IdRules;
  /**
   * Largest decompressed payload the backend accepts, checked by core before writing. The backend passes the
   * same number to the decoders it uses (`zlibBase64.decode(text, maxValueBytes)`,
   * `decompressTagged(bytes, codec, maxValueBytes)`), so a stored value that inflates past it is a
   * `CorruptNodeError` naming the id, not an exhausted heap. Without it, decoders stop at
   * `DEFAULT_MAX_VALUE_BYTES` (64 MiB).
   */
  readonly maxValueBytes?: number;
  /**
   * True when rows may hold pre-2021 pickled payloads (Sentry's Django table): core then reports a payload
   * that starts like a pickle (`looksLikePickle`) as a legacy node instead of decoding it, and any other payload
   * not starting with `{` as a `CorruptNodeError` (Sentry's Django reader reads only those two forms).
   */
  readonly mayHoldLegacyPickle?: boolean;

  /** Decompressed bytes, or null when absent. */
  getBytes(id: string): Promise<Uint8Array | null>;
  /**
   * Ids are unique. Every id must be a key of the result, null when absent. A node whose stored bytes cannot be
   * decoded (base64, zlib, zstd) is its `CorruptNodeError` naming the id, not thrown: one bad node must not cost
   * the batch. Every other failure is thrown.
   */
  getBytesMulti?(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>>;
  /** Full overwrite. */
  setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void>;
  setBytesMulti?(entries: ReadonlyArray<readonly [id: string, bytes: Uint8Array]>, ttl?: Ttl): Promise<void>;
  /** Idempotent: deleting an absent id succeeds. */
  delete(id: string): Promise<void>;
  deleteMulti?(ids: readonly string[]): Promise<void>;
  /** Delete nodes last written before `cutoff`. Absent = not supported (Sentry's NotImplementedError). */
  cleanup?(cutoff: Date, options?: CleanupOptions): Promise<CleanupResult>;
  /**
   * Every id in the backend's namespace, in pages, in the backend's own stable key order (Postgres keyset on the
   * primary key, S3 ListObjectsV2, OpenSearch search_after, Tablestore GetRange). Memory is flat in the number
   * of nodes. A node written or deleted during a scan may or may not appear; every node present for the whole
   * scan appears. An id appears once per stored copy (OpenSearch may keep one per daily index).
   */
  scan?(options?: ScanOptions): AsyncIterable<ScanPage>;
  /** Create what the backend needs (table, bucket, index template); safe to call twice. */
  bootstrap?(): Promise<void>;
  close?(): Promise<void>;
}
