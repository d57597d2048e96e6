import {
  type CleanupOptions,
  type CleanupResult,
  CorruptNodeError,
  chunks,
  type IdRules,
  type NodeBackend,
  type ScanOptions,
  type ScanPage,
  zlibBase64,
} from "@nodestore/core";
import pg from "pg";
import { ConnectWaitTimeout, toTypedError } from "./errors.js";
import {
  type DjangoPgOptions,
  type ResolvedDjangoPgOptions,
  resolveDjangoPgOptions,
  timeoutMs,
} from "./options.js";
import { scanTable } from "./scan.js";
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
  /** Largest decompressed value: larger writes are refused, a row inflating past it reads as corrupt. */
  readonly maxValueBytes: number;
  readonly pool: pg.Pool;
  readonly tableName: TableName;
  readonly #ownsPool: boolean;
  readonly #sql: ReturnType<typeof statements>;
  readonly #options: ResolvedDjangoPgOptions;
  #closing: Promise<void> | undefined;

  constructor(options: DjangoPgOptions) {
    this.#options = resolveDjangoPgOptions(options);
    this.maxValueBytes = this.#options.maxValueBytes;
    this.#ownsPool = options.pool === undefined;
    this.pool =
      options.pool ??
      new pg.Pool({
        connectionString: options.connectionString,
        connectionTimeoutMillis: this.#options.connectTimeout,
        keepAlive: true, // a dead peer under a long statement is noticed by TCP, not only by our timer
      });
    if (this.#ownsPool) this.pool.on("error", () => {}); // idle-client errors surface on the next query
    this.tableName = this.#options.tableName;
    this.#sql = statements(this.tableName);
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const { rows } = await this.#query<{ data: string }>("read", this.#sql.get, [id], id);
    return rows[0] === undefined ? null : this.#decode(id, rows[0].data);
  }

  /** A row that cannot be decoded is its `CorruptNodeError` (naming the id): the rest of the batch is served. */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const out = new Map<string, Uint8Array | null | CorruptNodeError>(ids.map((id) => [id, null]));
    for (const batch of chunks(ids, this.#options.readBatch)) {
      const { rows } = await this.#query<{ id: string; data: string }>("read", this.#sql.getMany, [batch]);
      for (const row of rows) {
        try {
          out.set(row.id, this.#decode(row.id, row.data));
        } catch (error) {
          if (!(error instanceof CorruptNodeError)) throw error;
          out.set(row.id, error);
        }
      }
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
   * Keyset pages over the primary key (see scan.ts). A windowed scan filters rows the index walk passes, so a
   * page may read far: its statements get `maintenanceTimeoutMs` instead of `queryTimeoutMs`.
   */
  scan(options?: ScanOptions): AsyncIterable<ScanPage> {
    const query = async (text: string, values: unknown[], windowed: boolean) => {
      const timeout = windowed ? this.#options.maintenanceTimeout : this.#options.queryTimeout;
      const { rows } = await this.#query<{ id: string; timestamp: Date; stored: number }>(
        "scan",
        text,
        values,
        undefined,
        timeout,
      );
      return rows;
    };
    return scanTable(query, qualified(this.tableName), options, this.name);
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
      const result = await this.#query(
        "clean up",
        this.#sql.cleanupBatch,
        [cutoff, this.#options.cleanupBatch],
        undefined,
        this.#options.maintenanceTimeout,
      );
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
   *
   * Client-side bound: `options.timeoutMs`, else `maintenanceTimeoutMs` for "vacuum" and none for "full" (a
   * rewrite of a large table takes hours; a client giving up would not stop the server, which keeps the lock
   * until the rewrite ends or an operator cancels it with `pg_cancel_backend`).
   */
  async reclaimSpace(
    mode: "vacuum" | "full",
    options?: { readonly timeoutMs?: number },
  ): Promise<{ before: TableSize; after: TableSize }> {
    const bound =
      options?.timeoutMs !== undefined
        ? timeoutMs(options.timeoutMs, "timeoutMs")
        : mode === "full"
          ? 0
          : this.#options.maintenanceTimeout;
    const before = await this.tableSize();
    const statement = mode === "full" ? this.#sql.vacuumFull : this.#sql.vacuum;
    await this.#query("vacuum", statement, [], undefined, bound);
    return { before, after: await this.tableSize() };
  }

  /** Counts the rows (a full scan on a large table): bounded by `maintenanceTimeoutMs`. */
  async tableSize(): Promise<TableSize> {
    const { rows } = await this.#query<{ bytes: string; rows: string }>(
      "measure",
      this.#sql.size,
      [qualified(this.tableName)],
      undefined,
      this.#options.maintenanceTimeout,
    );
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

  /** Ends the pool this backend created (a pool you passed stays open). Calling it again is a no-op. */
  close(): Promise<void> {
    if (!this.#ownsPool) return Promise.resolve();
    this.#closing ??= this.pool.end();
    return this.#closing;
  }

  #decode(id: string, data: string): Uint8Array {
    try {
      return zlibBase64.decode(data, this.maxValueBytes);
    } catch (error) {
      if (error instanceof CorruptNodeError) throw error.withContext(id, this.name);
      throw error;
    }
  }

  /**
   * One statement on a connection of its own, every phase bounded: waiting for a connection by
   * `connectTimeoutMs`, the statement by `timeout` (pg's per-query `query_timeout`, client side: it fires even
   * when the server or network is silent). 0 = no client-side bound for the statement.
   */
  async #query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    operation: string,
    text: string,
    values: unknown[],
    id?: string,
    timeout: number = this.#options.queryTimeout,
  ): Promise<pg.QueryResult<R>> {
    const context = {
      operation,
      id,
      queryTimeoutMs: timeout,
      connectTimeoutMs: this.#options.connectTimeout,
    };
    let client: pg.PoolClient;
    try {
      client = await this.#connect();
    } catch (error) {
      throw toTypedError(this.name, error, context);
    }
    // A connection that dies while we hold it emits "error" (and fails the query): never leave it unheard.
    const onError = () => {};
    client.on("error", onError);
    let failure: Error | undefined;
    try {
      // pg reads a per-query `query_timeout` (absent from @types/pg's QueryConfig); 0 would fall back to the
      // pool's own setting, so "no bound" is the largest timer instead.
      const config: pg.QueryConfig & { query_timeout: number } = {
        text,
        values,
        query_timeout: timeout || 2 ** 31 - 1,
      };
      return await client.query<R>(config);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw toTypedError(this.name, error, context);
    } finally {
      client.off("error", onError);
      // A failed connection (timed out, cut, or in an unknown state) is discarded, not reused.
      client.release(failure);
    }
  }

  /** A connection from the pool within `connectTimeoutMs`, also on a pool we do not own and configure. */
  #connect(): Promise<pg.PoolClient> {
    const pending = this.pool.connect();
    if (this.#ownsPool) return pending; // its connectionTimeoutMillis bounds opening and waiting
    return new Promise((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new ConnectWaitTimeout());
      }, this.#options.connectTimeout);
      pending.then(
        (client) => {
          clearTimeout(timer);
          if (late) client.release();
          else resolve(client);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!late) reject(error);
        },
      );
    });
  }
}
