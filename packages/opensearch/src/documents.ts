import { CorruptNodeError, compression } from "@nodestore/core";
import { type DocumentFailure, reasonOf, type ServerError } from "./errors.js";
import { anyDateIn } from "./indices.js";

/**
 * A node's document, as every Python plugin writes it: `data` = standard base64 of zlib(encoded bytes) (the
 * same text as Sentry's Postgres `nodestore_node.data`), `timestamp` = the write time in ISO-8601 UTC as
 * Python's `datetime.now(timezone.utc).isoformat()` prints it (`2025-08-29T10:11:12.123000+00:00`).
 */
export function documentFor(bytes: Uint8Array, now: Date): { data: string; timestamp: string } {
  return { data: compression.zlibBase64.encode(bytes), timestamp: pythonUtcIso(now) };
}

export function pythonUtcIso(date: Date): string {
  return date.toISOString().replace(/Z$/, "000+00:00");
}

/** One copy of a node, from an `_mget` answer. */
export interface Copy {
  readonly index: string;
  readonly data: unknown;
  /** The stored `timestamp` when the mapping stores it (ours, andrsp, airdry 1.0), else undefined. */
  readonly timestamp: number | undefined;
}

/**
 * True when `a` is the newer copy: by stored timestamp when both have one, else by the day in the index name
 * (a Python writer names indices by its local day), else by index name (`sentry-2025-01-01-fixed` after
 * `sentry-2025-01-01`).
 */
export function isNewer(a: Copy, b: Copy): boolean {
  if (a.timestamp !== undefined && b.timestamp !== undefined && a.timestamp !== b.timestamp) {
    return a.timestamp > b.timestamp;
  }
  const da = anyDateIn(a.index)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const db = anyDateIn(b.index)?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (da !== db) return da > db;
  return a.index > b.index;
}

/** The `data` stored field: decoded bytes, or a `CorruptNodeError` naming the node and index. */
export function decodeData(
  id: string,
  copy: Copy,
  maxBytes: number,
  backend: string,
): Uint8Array | CorruptNodeError {
  const where = `document in index ${copy.index}`;
  const value = Array.isArray(copy.data) ? copy.data[0] : copy.data;
  if (typeof value !== "string") {
    return new CorruptNodeError(
      "base64",
      `the "data" field is ${value === undefined ? "missing" : typeof value}`,
      {
        id,
        backend,
      },
    ).withContext(id, backend, where);
  }
  try {
    return compression.zlib.decompress(compression.base64.decode(value), maxBytes);
  } catch (error) {
    if (error instanceof CorruptNodeError) return error.withContext(id, backend, where);
    throw error;
  }
}

/** An `_mget` entry. */
export interface MgetDoc {
  readonly _index: string;
  readonly _id: string;
  readonly found?: boolean;
  readonly fields?: { data?: unknown; timestamp?: unknown };
  readonly error?: ServerError | string;
}

/** Item error types that go away by themselves (a shard relocating or recovering, a node leaving). */
export const TRANSIENT_TYPES = new Set([
  "no_shard_available_action_exception",
  "unavailable_shards_exception",
  "node_not_connected_exception",
  "node_disconnected_exception",
  "node_closed_exception",
  "shard_not_found_exception",
  "es_rejected_execution_exception",
  "opensearch_rejected_execution_exception",
  "circuit_breaking_exception",
]);

export interface MgetResult {
  /** Newest copy per id. */
  readonly copies: Map<string, Copy>;
  /** Indices the answer said do not exist. */
  readonly missingIndices: Set<string>;
  /** Indices the answer said are closed (taken offline by an operator). */
  readonly closedIndices: Set<string>;
  readonly failures: DocumentFailure[];
}

/** Folds an `_mget` answer: the newest copy of each id, indices that are gone, and per-document failures. */
export function foldMget(docs: readonly MgetDoc[]): MgetResult {
  const copies = new Map<string, Copy>();
  const missingIndices = new Set<string>();
  const closedIndices = new Set<string>();
  const failures: DocumentFailure[] = [];
  for (const doc of docs) {
    if (doc.error !== undefined) {
      const { type, reason } = reasonOf(doc.error);
      if (type === "index_not_found_exception") {
        missingIndices.add(doc._index);
        continue;
      }
      if (type === "index_closed_exception") {
        closedIndices.add(doc._index);
        continue;
      }
      const status = type !== undefined && TRANSIENT_TYPES.has(type) ? 503 : undefined;
      failures.push({ id: doc._id, index: doc._index, status, type, reason });
      continue;
    }
    if (doc.found !== true) continue;
    const ts = Array.isArray(doc.fields?.timestamp) ? doc.fields.timestamp[0] : doc.fields?.timestamp;
    const parsed = typeof ts === "string" ? Date.parse(ts) : Number.NaN;
    const copy: Copy = {
      index: doc._index,
      data: doc.fields?.data,
      timestamp: Number.isNaN(parsed) ? undefined : parsed,
    };
    const seen = copies.get(doc._id);
    if (seen === undefined || isNewer(copy, seen)) copies.set(doc._id, copy);
  }
  return { copies, missingIndices, closedIndices, failures };
}
