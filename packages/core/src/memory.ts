import type { CleanupOptions, CleanupResult, NodeBackend, ScanOptions, ScanPage, Ttl } from "./backend.js";
import { inScanWindow, scanPageSize } from "./scan.js";
import { NodeStore, type NodeStoreOptions } from "./store.js";
import { type StoreUrlHandler, storeUrlParams } from "./url.js";

interface Entry {
  readonly bytes: Uint8Array;
  /** Last write, like Django's `timestamp` column: what cleanup compares with the cutoff. */
  readonly writtenAt: number;
  readonly expiresAt: number | undefined;
}

export interface MemoryBackendOptions {
  /** Clock in ms, injectable for tests of TTL and cleanup. */
  readonly now?: () => number;
}

/**
 * The simplest complete backend: a Map. Honours TTL (an expired node reads as absent) and cleanup by last
 * write time. Copies bytes in and out so callers can't mutate what is stored.
 */
export class MemoryBackend implements NodeBackend {
  readonly name = "memory";
  readonly #nodes = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(options: MemoryBackendOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#nodes.size;
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const entry = this.#nodes.get(id);
    if (entry === undefined) return null;
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#nodes.delete(id);
      return null;
    }
    return new Uint8Array(entry.bytes);
  }

  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    const now = this.#now();
    this.#nodes.set(id, {
      bytes: new Uint8Array(bytes), // a copy (Buffer#slice would be a view)
      writtenAt: now,
      expiresAt: ttl === undefined ? undefined : now + ttl * 1000,
    });
  }

  async delete(id: string): Promise<void> {
    this.#nodes.delete(id);
  }

  /** Ids in code-unit order; the cursor is the last id of the page. */
  async *scan(options?: ScanOptions): AsyncIterable<ScanPage> {
    const pageSize = scanPageSize(options, 1000, this.name);
    const after = options?.after;
    const ids = [...this.#nodes.keys()].filter((id) => after === undefined || id > after).sort();
    for (let start = 0; start < ids.length; start += pageSize) {
      options?.signal?.throwIfAborted();
      const page = ids.slice(start, start + pageSize);
      const nodes = [];
      for (const id of page) {
        const entry = this.#nodes.get(id);
        if (entry === undefined) continue;
        const timestamp = new Date(entry.writtenAt);
        if (inScanWindow(timestamp, options))
          nodes.push({ id, timestamp, storedBytes: entry.bytes.byteLength });
      }
      yield { nodes, cursor: page[page.length - 1]! };
    }
  }

  async cleanup(cutoff: Date, options?: CleanupOptions): Promise<CleanupResult> {
    const limit = cutoff.getTime();
    let deleted = 0;
    for (const [id, entry] of this.#nodes) {
      options?.signal?.throwIfAborted();
      if (entry.writtenAt < limit) {
        this.#nodes.delete(id);
        deleted++;
      }
    }
    options?.onProgress?.({ deleted, batches: 1 });
    return { deleted, batches: 1 };
  }
}

export function createMemoryStore(options: MemoryBackendOptions & NodeStoreOptions = {}): NodeStore {
  return new NodeStore(new MemoryBackend(options), options);
}

/** `memory:` — an empty store that lives as long as the process (tests, dry runs of an import). */
export const storeUrl: StoreUrlHandler = {
  schemes: ["memory"],
  example: "memory:",
  parameters: {},
  open(url) {
    storeUrlParams(url, this);
    return new MemoryBackend();
  },
};
