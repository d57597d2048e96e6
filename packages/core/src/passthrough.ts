import type { CleanupOptions, CleanupResult, NodeBackend, Ttl } from "./backend.js";
import { deleteMany, getBytesMany, setBytesMany } from "./batch.js";
import { type CorruptNodeError, NotSupportedError } from "./errors.js";
import type { IdRules } from "./ids.js";
import { NodeStore, type NodeStoreOptions } from "./store.js";

export interface PassthroughOptions extends NodeStoreOptions {
  /** Where nodes live from now on (the S3 plugin: S3). */
  readonly primary: NodeBackend | NodeStore;
  /** Where nodes lived before (the S3 plugin: Django's `nodestore_node`). */
  readonly secondary: NodeBackend | NodeStore;
  /** On a primary miss (absent or empty), read the secondary. */
  readonly readThrough?: boolean;
  /** Write the secondary too, before the primary (so you can switch back). */
  readonly writeThrough?: boolean;
  /** Delete from the secondary too, before the primary; also makes cleanup reach the secondary. */
  readonly deleteThrough?: boolean;
}

const backendOf = (s: NodeBackend | NodeStore): NodeBackend => (s instanceof NodeStore ? s.backend : s);

/**
 * Two backends in one, in the exact order of operations of `S3PassthroughDjangoNodeStorage`
 * (getsentry/sentry-nodestore-s3), for any pair:
 * - write: secondary first (if writeThrough), then primary. A primary failure leaves the secondary copy.
 * - read: primary; only on a miss (absent or empty bytes) the secondary (if readThrough). Primary errors
 *   propagate: never hide an outage behind stale data.
 * - delete: secondary first (if deleteThrough), then primary.
 * - cleanup: secondary (if deleteThrough) then primary; a side without cleanup is skipped; neither -> not
 *   supported. The S3 plugin cleans only Postgres because S3 has no cleanup: the same outcome.
 */
export class PassthroughBackend implements NodeBackend {
  readonly name: string;
  readonly primary: NodeBackend;
  readonly secondary: NodeBackend;
  readonly idRules: IdRules;
  readonly maxValueBytes: number | undefined;
  readonly mayHoldLegacyPickle: boolean;
  readonly #read: boolean;
  readonly #write: boolean;
  readonly #delete: boolean;
  readonly #concurrency: number;

  constructor(options: PassthroughOptions) {
    this.primary = backendOf(options.primary);
    this.secondary = backendOf(options.secondary);
    this.#read = options.readThrough ?? false;
    this.#write = options.writeThrough ?? false;
    this.#delete = options.deleteThrough ?? false;
    this.#concurrency = options.concurrency ?? 16;
    this.name = `passthrough(${this.primary.name}, ${this.secondary.name})`;
    const touchesSecondary = this.#read || this.#write || this.#delete;
    this.idRules = touchesSecondary ? bothRules(this.primary, this.secondary) : (this.primary.idRules ?? {});
    this.maxValueBytes = this.#write
      ? minDefined(this.primary.maxValueBytes, this.secondary.maxValueBytes)
      : this.primary.maxValueBytes;
    this.mayHoldLegacyPickle =
      Boolean(this.primary.mayHoldLegacyPickle) ||
      (this.#read && Boolean(this.secondary.mayHoldLegacyPickle));
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const bytes = await this.primary.getBytes(id);
    if (this.#read && (bytes === null || bytes.byteLength === 0)) return this.secondary.getBytes(id);
    return bytes;
  }

  /** A corrupt node on the primary stays its error: only a miss reads through, never damage. */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const found = await getBytesMany(this.primary, ids, this.#concurrency);
    if (!this.#read) return found;
    const misses = ids.filter((id) => isMiss(found.get(id)));
    if (misses.length > 0) {
      const fallback = await getBytesMany(this.secondary, misses, this.#concurrency);
      for (const id of misses) found.set(id, fallback.get(id) ?? null);
    }
    return found;
  }

  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    if (this.#write) await this.secondary.setBytes(id, bytes, ttl);
    await this.primary.setBytes(id, bytes, ttl);
  }

  async setBytesMulti(entries: ReadonlyArray<readonly [string, Uint8Array]>, ttl?: Ttl): Promise<void> {
    if (this.#write) await setBytesMany(this.secondary, entries, ttl, this.#concurrency);
    await setBytesMany(this.primary, entries, ttl, this.#concurrency);
  }

  async delete(id: string): Promise<void> {
    if (this.#delete) await this.secondary.delete(id);
    await this.primary.delete(id);
  }

  async deleteMulti(ids: readonly string[]): Promise<void> {
    if (this.#delete) await deleteMany(this.secondary, ids, this.#concurrency);
    await deleteMany(this.primary, ids, this.#concurrency);
  }

  async cleanup(cutoff: Date, options?: CleanupOptions): Promise<CleanupResult> {
    const sides = [this.#delete ? this.secondary : undefined, this.primary].filter(
      (b): b is NodeBackend & Required<Pick<NodeBackend, "cleanup">> => b?.cleanup !== undefined,
    );
    if (sides.length === 0) {
      throw new NotSupportedError(
        this.name,
        "cleanup",
        "neither side supports it (enable deleteThrough to clean the secondary, or use the primary's lifecycle)",
      );
    }
    let deleted = 0;
    let batches = 0;
    for (const side of sides) {
      const before = { deleted, batches };
      const result = await side.cleanup(cutoff, {
        signal: options?.signal,
        onProgress: (p) =>
          options?.onProgress?.({ deleted: before.deleted + p.deleted, batches: before.batches + p.batches }),
      });
      deleted += result.deleted;
      batches += result.batches;
    }
    return { deleted, batches };
  }

  async bootstrap(): Promise<void> {
    await this.primary.bootstrap?.();
    await this.secondary.bootstrap?.();
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close?.(), this.secondary.close?.()]);
  }
}

/** A NodeStore over `primary` with `secondary` behind it, as the S3 plugin layers S3 over Django. */
export function createPassthroughStore(options: PassthroughOptions): NodeStore {
  return new NodeStore(new PassthroughBackend(options), options);
}

const isMiss = (bytes: Uint8Array | CorruptNodeError | null | undefined): boolean =>
  bytes == null || (bytes instanceof Uint8Array && bytes.byteLength === 0);

function bothRules(a: NodeBackend, b: NodeBackend): IdRules {
  const maxLength = minDefined(a.idRules?.maxLength, b.idRules?.maxLength);
  const checks = [a.idRules?.check, b.idRules?.check].filter((c) => c !== undefined);
  return {
    ...(maxLength === undefined ? {} : { maxLength }),
    check: (id) => {
      for (const check of checks) {
        const reason = check(id);
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
  };
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
