import { checkTtl, describe, listArgument } from "./arguments.js";
import type { CleanupOptions, CleanupResult, NodeBackend, Ttl } from "./backend.js";
import { deleteMany, getBytesMany, setBytesMany } from "./batch.js";
import {
  CorruptNodeError,
  InvalidArgumentError,
  InvalidDataError,
  LegacyPickleNodeError,
  NotSupportedError,
  PayloadTooLargeError,
} from "./errors.js";
import { decodeNodeData, encodeNodeData, looksLikePickle } from "./format/index.js";
import { validateNodeId } from "./ids.js";
import { CorruptNode, LegacyPickleNode, type NodeReadResult } from "./markers.js";

export { CorruptNode, LegacyPickleNode, type NodeReadResult } from "./markers.js";

/** A decoded main payload: always a JSON object (Sentry's Django reader requires the bytes to start with `{`). */
export type NodeObject = Record<string, unknown>;

/** One node for `setMulti`. */
export interface NodeWrite {
  readonly id: string;
  readonly main: NodeObject;
  readonly subkeys?: NodeSubkeys;
}

export type NodeSubkeys =
  | Readonly<Record<string, unknown>>
  | ReadonlyArray<readonly [name: string, value: unknown]>;

export interface NodeStoreOptions {
  /** Calls in flight when a batch operation falls back to single calls. Default 16. */
  readonly concurrency?: number;
  /**
   * What `get`/`getMulti` return for a legacy pickled row: a `LegacyPickleNode` ("marker", default), `{}` like
   * Sentry's Django reader ("empty"), or a thrown `LegacyPickleNodeError` ("throw").
   */
  readonly legacyPickle?: "marker" | "empty" | "throw";
  /**
   * What `getMulti` does with a node whose stored bytes are damaged: a `CorruptNode` in its place, the other
   * nodes served ("marker", default), or throw the first node's `CorruptNodeError` ("throw"). `get` of one
   * node and `getBytesMulti` always throw it.
   */
  readonly corruptNodes?: "marker" | "throw";
}

/**
 * Sentry's NodeStorage contract over any backend. Differences from Python, on purpose:
 * - `getMulti` returns every requested id (null when missing); Django omits missing ids.
 * - `set`/`setSubkeys` refuse a main value that is not a JSON object instead of writing a row Django can't read.
 * - TTL is in seconds.
 */
export class NodeStore {
  readonly backend: NodeBackend;
  readonly #concurrency: number;
  readonly #legacy: "marker" | "empty" | "throw";
  readonly #corrupt: "marker" | "throw";

  constructor(backend: NodeBackend, options: NodeStoreOptions = {}) {
    this.backend = backend;
    this.#concurrency = options.concurrency ?? 16;
    this.#legacy = options.legacyPickle ?? "marker";
    this.#corrupt = options.corruptNodes ?? "marker";
    if (!(this.#concurrency >= 1))
      throw new RangeError(`concurrency must be >= 1, got ${options.concurrency}`);
  }

  async get<T = NodeObject>(id: string, subkey?: string | null): Promise<T | null> {
    this.#checkId(id);
    return this.#decode(id, await this.#getOne(id), subkey ?? null) as T | null;
  }

  /**
   * Duplicate ids are removed keeping order; every id is a key of the result, null when missing. A node that
   * cannot be decoded is a `CorruptNode` (or throws, with `corruptNodes: "throw"`); the others are served.
   */
  async getMulti<T = NodeObject>(
    ids: Iterable<string>,
    subkey?: string | null,
  ): Promise<Map<string, NodeReadResult<T>>> {
    const found = await this.#readMany(ids, "getMulti");
    const out = new Map<string, NodeReadResult<T>>();
    for (const [id, bytes] of found) {
      let value: unknown;
      try {
        if (bytes instanceof CorruptNodeError) throw bytes;
        value = this.#decode(id, bytes, subkey ?? null);
      } catch (error) {
        if (!(error instanceof CorruptNodeError) || this.#corrupt === "throw") throw error;
        value = new CorruptNode(id, error);
      }
      out.set(id, value as NodeReadResult<T>);
    }
    return out;
  }

  /** Full overwrite: subkeys stored earlier under `id` are dropped. */
  async set(id: string, data: NodeObject, ttl?: Ttl): Promise<void> {
    return this.setSubkeys(id, { main: data }, ttl);
  }

  async setSubkeys(id: string, data: { main: NodeObject; subkeys?: NodeSubkeys }, ttl?: Ttl): Promise<void> {
    this.#checkId(id);
    if (typeof data !== "object" || data === null) {
      throw new InvalidDataError(`setSubkeys() takes { main, subkeys? }, got ${describe(data)}`, id);
    }
    await this.#write(id, this.#encode(id, data.main, data.subkeys), ttl);
  }

  /** Writes many nodes; a repeated id keeps its last value. Not atomic across ids. */
  async setMulti(nodes: Iterable<NodeWrite>, ttl?: Ttl): Promise<void> {
    const encoded = new Map<string, Uint8Array>();
    for (const node of listArgument(nodes, "setMulti", "nodes")) {
      if (typeof node !== "object" || node === null) {
        throw new InvalidDataError(`setMulti() takes { id, main, subkeys? } objects, got ${describe(node)}`);
      }
      const { id, main, subkeys } = node;
      this.#checkId(id);
      encoded.delete(id);
      encoded.set(id, this.#encode(id, main, subkeys));
    }
    await this.setBytesMulti(encoded, ttl);
  }

  /** Raw decompressed bytes, no decoding. */
  async getBytes(id: string): Promise<Uint8Array | null> {
    this.#checkId(id);
    return this.#getOne(id);
  }

  /** The backend's bytes; damage it reports (base64, zlib, zstd) is named with the id and backend. */
  async #getOne(id: string): Promise<Uint8Array | null> {
    try {
      return await this.backend.getBytes(id);
    } catch (error) {
      throw error instanceof CorruptNodeError ? error.withContext(id, this.backend.name) : error;
    }
  }

  /** Raw bytes of many nodes; a node whose stored bytes are damaged throws its `CorruptNodeError`. */
  async getBytesMulti(ids: Iterable<string>): Promise<Map<string, Uint8Array | null>> {
    const found = await this.#readMany(ids, "getBytesMulti");
    for (const value of found.values()) if (value instanceof CorruptNodeError) throw value;
    return found as Map<string, Uint8Array | null>;
  }

  async #readMany(
    ids: Iterable<string>,
    call: string,
  ): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const unique = [...new Set(listArgument(ids, call, "ids"))];
    for (const id of unique) this.#checkId(id);
    const out = new Map<string, Uint8Array | null | CorruptNodeError>();
    if (unique.length === 0) return out;
    const found = await getBytesMany(this.backend, unique, this.#concurrency);
    for (const id of unique) {
      const value = found.get(id) ?? null;
      out.set(id, value instanceof CorruptNodeError ? value.withContext(id, this.backend.name) : value);
    }
    return out;
  }

  /** Raw bytes, stored as given (Sentry's `set_bytes`). */
  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    this.#checkId(id);
    await this.#write(id, bytes, ttl);
  }

  async setBytesMulti(
    entries: Iterable<readonly [id: string, bytes: Uint8Array]> | Map<string, Uint8Array>,
    ttl?: Ttl,
  ): Promise<void> {
    checkTtl(ttl);
    const unique = new Map<string, Uint8Array>();
    for (const entry of listArgument(entries, "setBytesMulti", "entries")) {
      if (!Array.isArray(entry)) {
        throw new InvalidArgumentError(`setBytesMulti() takes [id, bytes] pairs, got ${describe(entry)}`);
      }
      const [id, bytes] = entry as readonly [string, Uint8Array];
      this.#checkId(id);
      this.#checkSize(id, bytes);
      unique.delete(id);
      unique.set(id, bytes);
    }
    if (unique.size === 0) return;
    await setBytesMany(this.backend, [...unique], ttl, this.#concurrency);
  }

  /** Idempotent. */
  async delete(id: string): Promise<void> {
    this.#checkId(id);
    await this.backend.delete(id);
  }

  /** Idempotent; not atomic (a failure can leave a partial delete, as in Sentry). */
  async deleteMulti(ids: Iterable<string>): Promise<void> {
    const unique = [...new Set(listArgument(ids, "deleteMulti", "ids"))];
    for (const id of unique) this.#checkId(id);
    if (unique.length === 0) return;
    await deleteMany(this.backend, unique, this.#concurrency);
  }

  /** Deletes nodes last written before `cutoff` (Sentry's `sentry cleanup --days N` passes now - N days). */
  async cleanup(cutoff: Date, options?: CleanupOptions): Promise<CleanupResult> {
    if (!(cutoff instanceof Date) || Number.isNaN(cutoff.getTime())) {
      throw new InvalidDataError("cleanup() needs a valid Date cutoff");
    }
    if (!this.backend.cleanup) {
      throw new NotSupportedError(
        this.backend.name,
        "cleanup",
        "its retention is managed by the storage itself (e.g. a bucket lifecycle rule or index deletion)",
      );
    }
    return this.backend.cleanup(cutoff, options);
  }

  async bootstrap(): Promise<void> {
    await this.backend.bootstrap?.();
  }

  async close(): Promise<void> {
    await this.backend.close?.();
  }

  #legacyNode(id: string, bytes: Uint8Array, subkey: string | null): unknown {
    if (subkey !== null) return null; // Sentry's Django reader: no subkeys in legacy rows
    if (this.#legacy === "empty") return {};
    if (this.#legacy === "throw") throw new LegacyPickleNodeError(id, this.backend.name);
    return new LegacyPickleNode(id, bytes);
  }

  #checkId(id: string): void {
    validateNodeId(id, this.backend.idRules, this.backend.name);
  }

  #checkSize(id: string, bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw new InvalidDataError("setBytes() takes a Uint8Array", id);
    const limit = this.backend.maxValueBytes;
    if (limit !== undefined && bytes.byteLength > limit) {
      throw new PayloadTooLargeError(id, bytes.byteLength, limit, this.backend.name);
    }
  }

  async #write(id: string, bytes: Uint8Array, ttl: Ttl | undefined): Promise<void> {
    checkTtl(ttl);
    this.#checkSize(id, bytes);
    await this.backend.setBytes(id, bytes, ttl);
  }

  #encode(id: string, main: unknown, subkeys: NodeSubkeys | undefined): Uint8Array {
    if (typeof main !== "object" || main === null || Array.isArray(main)) {
      const got = main === null ? "null" : Array.isArray(main) ? "an array" : typeof main;
      throw new InvalidDataError(
        `the main value must be a JSON object (Sentry's reader requires it), got ${got}`,
        id,
      );
    }
    const list =
      subkeys === undefined ? undefined : Array.isArray(subkeys) ? subkeys : Object.entries(subkeys);
    try {
      return encodeNodeData(main, list as Array<[string, unknown]> | undefined);
    } catch (error) {
      if (error instanceof InvalidDataError && error.id === undefined) {
        throw new InvalidDataError(error.message, id);
      }
      throw error;
    }
  }

  /**
   * On a backend that may hold pre-2021 rows, a payload that does not start with `{` is a legacy node only when
   * it looks like a pickle (`looksLikePickle`); anything else there (text, other JSON) is a `CorruptNodeError`
   * at the json layer: Sentry's Django reader can read it neither as JSON nor as a pickle.
   */
  #decode(id: string, bytes: Uint8Array | null, subkey: string | null): unknown {
    if (bytes === null) return null;
    try {
      if (this.backend.mayHoldLegacyPickle && bytes.byteLength > 0 && bytes[0] !== 0x7b) {
        if (looksLikePickle(bytes)) return this.#legacyNode(id, bytes, subkey);
        decodeNodeData(bytes); // throws the precise JSON error when it is not JSON at all
        throw new CorruptNodeError(
          "json",
          "main does not start with '{' and is not a pickle; Sentry's Django reader can read neither",
        );
      }
      return decodeNodeData(bytes, subkey);
    } catch (error) {
      if (error instanceof CorruptNodeError) throw error.withContext(id, this.backend.name);
      throw error;
    }
  }
}

export function createNodeStore(backend: NodeBackend, options?: NodeStoreOptions): NodeStore {
  return new NodeStore(backend, options);
}
