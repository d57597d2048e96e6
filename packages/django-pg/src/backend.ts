import {
  type CleanupOptions,
  type CleanupResult,
  CorruptNodeError,
  chunks,
  type IdRules,
  type NodeBackend,
  zlibBase64,
} from "@nodestore/core";
import pg from "pg";
import { toTypedError } from "./errors.js";
import { type DjangoPgOptions, type ResolvedDjangoPgOptions, resolveDjangoPgOptions } from "./options.js";
import { qualified, statements, type TableName } from "./sql.js";

export interface TableSize {
  /** Table + indexes + TOAST, as `pg_total_relation_size`. */
  readonly bytes: number;
  readonly rows: number;
}

/**
 * Sentry's Django nodestore (`sentry.services.nodestore.django.DjangoNodeStorage`): one row per node in
 * `nodestore_node`, `data` = base64(zlib(encoded bytes)), `timestamp` = time of the last write.
 */
export class DjangoPgBackend implements NodeBackend {
  readonly name = "django-pg";
  /** `id varchar(40)`. */
  readonly idRules: IdRules = {
    maxLength: 40,
    check: (id) => (id.includes("\0") ? "NUL is not allowed" : undefined),
  };
  readonly mayHoldLegacyPickle = true;
  readonly pool: pg.Pool;
  readonly tableName: TableName;
  readonly #ownsPool: boolean;
  readonly #sql: ReturnType<typeof statements>;
  readonly #options: ResolvedDjangoPgOptions;

  constructor(options: DjangoPgOptions) {
    this.#options = resolveDjangoPgOptions(options);
    this.#ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    if (this.#ownsPool) this.pool.on("error", () => {}); // idle-client errors surface on the next query
    this.tableName = this.#options.tableName;
    this.#sql = statements(this.tableName);
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const { rows } = await this.#query<{ data: string }>("read", this.#sql.get, [id], id);
    return rows[0] === undefined ? null : this.#decode(id, rows[0].data);
  }

  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null>> {
    const out = new Map<string, Uint8Array | null>(ids.map((id) => [id, null]));
    for (const batch of chunks(ids, this.#options.readBatch)) {
      const { rows } = await this.#query<{ id: string; data: string }>("read", this.#sql.getMany, [batch]);
      for (const row of rows) out.set(row.id, this.#decode(row.id, row.data));
    }
    return out;
  }

  async setBytes(id: string, bytes: Uint8Array): Promise<void> {
    // TTL is accepted and ignored, as in Sentry: retention is `cleanup()` by last-write timestamp.
    await this.#query("write", this.#sql.upsert, [id, zlibBase64.encode(bytes), new Date()], id);
  }

  async setBytesMulti(entries: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void> {
    for (const batch of chunks(entries, this.#options.writeBatch)) {
      const ids = batch.map(([id]) => id);
      const data = batch.map(([, bytes]) => zlibBase64.encode(bytes));
      await this.#query("write", this.#sql.upsertMany, [ids, data, new Date()]);
    }
  }

  async delete(id: string): Promise<void> {
    await this.#query("delete", this.#sql.delete, [id], id);
  }

  async deleteMulti(ids: readonly string[]): Promise<void> {
    for (const batch of chunks(ids, this.#options.readBatch))
      await this.#query("delete", this.#sql.deleteMany, [batch]);
  }

  /**
   * Sentry's cleanup: delete rows whose last write is before `cutoff`, `cleanupBatchSize` rows per statement,
   * each statement its own transaction, so locks stay short, memory stays flat and an interrupted run keeps
   * what it deleted. Deleting does not return disk space: see `reclaimSpace()`.
   */
  async cleanup(cutoff: Date, options?: CleanupOptions): Promise<CleanupResult> {
    let deleted = 0;
    let batches = 0;
    for (;;) {
      options?.signal?.throwIfAborted();
      const result = await this.#query("clean up", this.#sql.cleanupBatch, [
        cutoff,
        this.#options.cleanupBatch,
      ]);
      const count = result.rowCount ?? 0;
      if (count === 0) break;
      deleted += count;
      batches++;
      options?.onProgress?.({ deleted, batches });
      if (count < this.#options.cleanupBatch) break;
      if (this.#options.cleanupPause > 0) await new Promise((r) => setTimeout(r, this.#options.cleanupPause));
    }
    if (batches === 0) options?.onProgress?.({ deleted, batches });
    return { deleted, batches };
  }

  /**
   * After a cleanup, make the space usable again. `"vacuum"`: plain VACUUM (ANALYZE): no exclusive lock; freed
   * space is reused by new rows but mostly not returned to the OS. `"full"`: VACUUM FULL rewrites the table and
   * returns the space, holding an ACCESS EXCLUSIVE lock for the whole run: Sentry cannot read or write events
   * meanwhile, and it needs free disk the size of the remaining data. For an online shrink use pg_repack
   * (see README).
   */
  async reclaimSpace(mode: "vacuum" | "full"): Promise<{ before: TableSize; after: TableSize }> {
    const before = await this.tableSize();
    await this.#query("vacuum", mode === "full" ? this.#sql.vacuumFull : this.#sql.vacuum, []);
    return { before, after: await this.tableSize() };
  }

  async tableSize(): Promise<TableSize> {
    const { rows } = await this.#query<{ bytes: string; rows: string }>("measure", this.#sql.size, [
      qualified(this.tableName),
    ]);
    return { bytes: Number(rows[0]!.bytes), rows: Number(rows[0]!.rows) };
  }

  /** Creates the table and its timestamp index only if the table is absent; never alters an existing one. */
  async bootstrap(): Promise<void> {
    const { rows } = await this.#query<{ exists: boolean }>("bootstrap", this.#sql.exists, [
      qualified(this.tableName),
    ]);
    if (rows[0]?.exists) return;
    for (const statement of this.#sql.create) await this.#query("bootstrap", statement, []);
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.pool.end();
  }

  #decode(id: string, data: string): Uint8Array {
    try {
      return zlibBase64.decode(data);
    } catch (error) {
      if (error instanceof CorruptNodeError) throw error.withContext(id, this.name);
      throw error;
    }
  }

  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
    id?: string,
  ): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw toTypedError(this.name, operation, error, id);
    }
  }
}
