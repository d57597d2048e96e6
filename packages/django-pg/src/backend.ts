import {
  BackendError,
  BackendUnavailableError,
  type CleanupOptions,
  type CleanupResult,
  CorruptNodeError,
  chunks,
  type IdRules,
  isNetworkError,
  type NodeBackend,
  zlibBase64,
} from "@nodestore/core";
import pg from "pg";
import { qualified, statements, type TableName } from "./sql.js";

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
  readonly #readBatch: number;
  readonly #writeBatch: number;
  readonly #cleanupBatch: number;
  readonly #cleanupPause: number;

  constructor(options: DjangoPgOptions) {
    if ((options.pool === undefined) === (options.connectionString === undefined)) {
      throw new TypeError("DjangoPgBackend needs exactly one of `pool` or `connectionString`");
    }
    this.#ownsPool = options.pool === undefined;
    this.pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString });
    if (this.#ownsPool) this.pool.on("error", () => {}); // idle-client errors surface on the next query
    this.tableName = { schema: options.schema, table: options.table ?? "nodestore_node" };
    this.#sql = statements(this.tableName);
    this.#readBatch = positive(options.readBatchSize ?? 1000, "readBatchSize");
    this.#writeBatch = positive(options.writeBatchSize ?? 500, "writeBatchSize");
    this.#cleanupBatch = positive(options.cleanupBatchSize ?? 10_000, "cleanupBatchSize");
    this.#cleanupPause = options.cleanupPauseMs ?? 0;
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const { rows } = await this.#query<{ data: string }>("read", this.#sql.get, [id], id);
    return rows[0] === undefined ? null : this.#decode(id, rows[0].data);
  }

  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null>> {
    const out = new Map<string, Uint8Array | null>(ids.map((id) => [id, null]));
    for (const batch of chunks(ids, this.#readBatch)) {
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
    for (const batch of chunks(entries, this.#writeBatch)) {
      const ids = batch.map(([id]) => id);
      const data = batch.map(([, bytes]) => zlibBase64.encode(bytes));
      await this.#query("write", this.#sql.upsertMany, [ids, data, new Date()]);
    }
  }

  async delete(id: string): Promise<void> {
    await this.#query("delete", this.#sql.delete, [id], id);
  }

  async deleteMulti(ids: readonly string[]): Promise<void> {
    for (const batch of chunks(ids, this.#readBatch))
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
      const result = await this.#query("clean up", this.#sql.cleanupBatch, [cutoff, this.#cleanupBatch]);
      const count = result.rowCount ?? 0;
      if (count === 0) break;
      deleted += count;
      batches++;
      options?.onProgress?.({ deleted, batches });
      if (count < this.#cleanupBatch) break;
      if (this.#cleanupPause > 0) await new Promise((r) => setTimeout(r, this.#cleanupPause));
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

// 57P03: the server is starting up or shutting down; 53300: too many connections.
const PG_UNAVAILABLE = new Set(["57P03", "53300"]);

function toTypedError(backend: string, operation: string, error: unknown, id?: string): Error {
  const e = error as { code?: string; message?: string };
  if (isNetworkError(error) || (e.code !== undefined && PG_UNAVAILABLE.has(e.code))) {
    return new BackendUnavailableError(backend, `${e.code ?? "network error"}: ${e.message ?? ""}`, error);
  }
  if (e.code === "42P01") {
    return new BackendError(
      backend,
      operation,
      `${e.message}; create it with bootstrap() or Sentry's migrations`,
      {
        id,
        cause: error,
      },
    );
  }
  const where = e.code === undefined ? "" : ` (SQLSTATE ${e.code})`;
  return new BackendError(backend, operation, `${e.message ?? String(error)}${where}`, { id, cause: error });
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
