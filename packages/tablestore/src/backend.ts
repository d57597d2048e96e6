import {
  CorruptNodeError,
  type IdRules,
  type NodeBackend,
  NotSupportedError,
  type ScanOptions,
  type ScanPage,
  type Ttl,
} from "@nodestore/core";
import { type BatchContext, batchGet, batchWrite, type WriteItem } from "./batch.js";
import { TablestoreClient } from "./client.js";
import {
  LIMITS,
  type ResolvedTablestoreOptions,
  resolveTablestoreOptions,
  type TablestoreOptions,
} from "./options.js";
import { decodeRow, encodeRow } from "./row.js";
import { scanTable } from "./scan.js";
import { IGNORE, type SdkRow } from "./sdk.js";
import { type BootstrapResult, bootstrapTable } from "./table.js";

/**
 * PMExtra/sentry-tablestore's layout on Alibaba Cloud Tablestore, through the official npm SDK: one row per
 * node, primary key `id`, attribute `data` (BINARY) and `flags` (1 zlib, 2 zstd, absent when raw).
 */
export class TablestoreBackend implements NodeBackend {
  readonly name = "tablestore";
  /** A STRING primary key holds at most 1 KB of UTF-8. */
  readonly idRules: IdRules = {
    check: (id) =>
      Buffer.byteLength(id) > LIMITS.pkBytes
        ? `Tablestore limits a primary key string to ${LIMITS.pkBytes} bytes of UTF-8, this id has ${Buffer.byteLength(id)}`
        : undefined,
  };
  readonly maxValueBytes: number;
  readonly table: string;
  readonly client: TablestoreClient;
  readonly #options: ResolvedTablestoreOptions;
  readonly #batch: BatchContext;

  constructor(options: TablestoreOptions) {
    this.#options = resolveTablestoreOptions(options);
    this.maxValueBytes = this.#options.maxValueBytes;
    this.table = this.#options.table;
    this.client = new TablestoreClient(this.name, options, this.#options);
    this.#batch = {
      backend: this.name,
      client: this.client,
      table: this.table,
      concurrency: this.#options.batchConcurrency,
    };
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const answer = await this.client.call<{ row?: SdkRow }>(
      "getRow",
      { tableName: this.table, primaryKey: [{ id }], maxVersions: 1 },
      { operation: "read", id },
    );
    return this.#decode(id, answer.row);
  }

  /**
   * BatchGetRow, 100 rows per request, `batchConcurrency` requests in flight (the plugin's get_multi returns
   * None for every id). A damaged node is its `CorruptNodeError` in the result; a row the service fails (after
   * retries) fails the call, naming its id.
   */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const out = new Map<string, Uint8Array | null | CorruptNodeError>(ids.map((id) => [id, null]));
    await batchGet(this.#batch, ids, this.#options.readBatch, (id, row) => {
      try {
        out.set(id, this.#decode(id, row));
      } catch (error) {
        if (!(error instanceof CorruptNodeError)) throw error;
        out.set(id, error);
      }
    });
    return out;
  }

  /**
   * PutRow (condition IGNORE: overwrite). A failure raises (the plugin logs it at DEBUG and loses the write).
   * Tablestore has no per-row TTL: a `ttl` other than `defaultTtl` is refused, as the plugin does.
   */
  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    this.#checkTtl(ttl);
    const row = encodeRow(this.name, id, bytes, this.#options.compression);
    await this.client.call(
      "putRow",
      {
        tableName: this.table,
        condition: IGNORE(),
        primaryKey: row.primaryKey,
        attributeColumns: row.attributeColumns,
      },
      { operation: "write", id },
    );
  }

  /** BatchWriteRow, up to 200 rows and 4 MiB per request; every row that fails is raised with its id. */
  async setBytesMulti(
    entries: ReadonlyArray<readonly [id: string, bytes: Uint8Array]>,
    ttl?: Ttl,
  ): Promise<void> {
    this.#checkTtl(ttl);
    const items: WriteItem[] = entries.map(([id, bytes]) => {
      const row = encodeRow(this.name, id, bytes, this.#options.compression);
      return { id, type: "PUT", condition: IGNORE(), ...row };
    });
    await batchWrite(this.#batch, items, this.#options.writeBatch, "write a batch");
  }

  /** DeleteRow (IGNORE: deleting an absent row succeeds). */
  async delete(id: string): Promise<void> {
    await this.client.call(
      "deleteRow",
      { tableName: this.table, condition: IGNORE(), primaryKey: [{ id }] },
      { operation: "delete", id },
    );
  }

  /** BatchWriteRow deletes, 200 per request (the plugin's delete_many). */
  async deleteMulti(ids: readonly string[]): Promise<void> {
    const items: WriteItem[] = ids.map((id) => ({
      id,
      type: "DELETE",
      condition: IGNORE(),
      primaryKey: [{ id }],
      size: Buffer.byteLength(id) + 2,
    }));
    await batchWrite(this.#batch, items, this.#options.writeBatch, "delete a batch");
  }

  /**
   * Every id, in primary-key order (UTF-8 bytes), by GetRange pages of `id` and `flags` (never `data`): one
   * request per page of up to 5 000 rows (more when an answer stops short). The cursor is the page's last id
   * (printable; "~" + base64url when the id is not printable ASCII). Timestamps: the `flags` cell's version
   * (compressed rows). `since`/`until`: compressed rows filtered by that version; rows stored raw are read
   * again by BatchGetRow with `time_range` (their `data` travels only when in the window). See README
   * "Listing (scan)".
   */
  scan(options?: ScanOptions): AsyncIterable<ScanPage> {
    return scanTable({ batch: this.#batch, readBatch: this.#options.readBatch }, options);
  }

  /**
   * Creates the table (primary key [id STRING], max versions 1, TTL `defaultTtl` with `automaticExpiry` else
   * -1, the reserved throughput) or updates its options only where they differ. Safe to call any number of
   * times. Sentry runs it on `sentry upgrade --with-nodestore`.
   */
  async bootstrap(): Promise<void> {
    await this.bootstrapTable();
  }

  /** `bootstrap()`, saying what it did. */
  bootstrapTable(): Promise<BootstrapResult> {
    return bootstrapTable(this.name, this.client, this.#options);
  }

  async close(): Promise<void> {
    this.client.close();
  }

  #checkTtl(ttl: Ttl | undefined): void {
    if (ttl !== undefined && ttl !== this.#options.defaultTtl) {
      throw new NotSupportedError(
        this.name,
        "a per-node TTL",
        "Tablestore expires whole tables (the table's time-to-live, set by bootstrap() from defaultTtl with automaticExpiry); write without ttl",
      );
    }
  }

  #decode(id: string, row: SdkRow | null | undefined): Uint8Array | null {
    return decodeRow(id, row, {
      backend: this.name,
      defaultTtl: this.#options.defaultTtl,
      maxValueBytes: this.#options.maxValueBytes,
      now: Date.now(),
    });
  }
}
