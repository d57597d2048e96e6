import {
  BackendError,
  type CleanupOptions,
  type CorruptNodeError,
  type IdRules,
  type NodeBackend,
  type ScanOptions,
  type ScanPage,
  type Ttl,
} from "@nodestore/core";
import { Client } from "@opensearch-project/opensearch";
import { type BulkAction, deleteAction, indexAction, sendBulk } from "./bulk.js";
import { IndexCatalog } from "./catalog.js";
import { dropOldIndices, type OpenSearchCleanupResult } from "./cleanup.js";
import {
  CLIENT_OPTION_NAMES,
  createOpenSearchClient,
  DEFAULT_MAINTENANCE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  timeoutMs,
} from "./client.js";
import { decodeData, documentFor, foldMget, type MgetDoc } from "./documents.js";
import { OpenSearchBulkError } from "./errors.js";
import {
  type OpenSearchBackendOptions,
  type ResolvedOpenSearchOptions,
  resolveOpenSearchOptions,
} from "./options.js";
import { scanAlias } from "./scan.js";
import { ensureTemplate, type TemplateReport } from "./template.js";
import { type Requester, send } from "./transport.js";

/** OpenSearch's limit on `_id`. */
export const MAX_ID_BYTES = 512;

/**
 * Sentry nodes as documents of daily indices behind an alias, in sentry-opensearch-nodestore's layout (see the
 * README): `_id` = node id, stored fields `data` (base64 of zlib) and `timestamp`, index `sentry-YYYY-MM-DD`
 * (UTC day), alias `sentry`. Reads are real-time multi-gets over the alias's indices (one request, fresh writes
 * included, the newest copy wins); writes one `_bulk`; cleanup drops whole days. TTL is accepted and ignored, as
 * in Python: retention is `cleanup()`.
 */
export class OpenSearchBackend implements NodeBackend {
  readonly name = "opensearch";
  readonly idRules: IdRules = {
    check: (id) =>
      Buffer.byteLength(id) > MAX_ID_BYTES
        ? `longer than OpenSearch's ${MAX_ID_BYTES}-byte _id limit`
        : undefined,
  };
  readonly client: Client;
  readonly maxValueBytes: number;
  readonly options: ResolvedOpenSearchOptions;
  readonly catalog: IndexCatalog;
  readonly #r: Requester;
  readonly #ownsClient: boolean;
  #closed = false;
  readonly #closedWarned = new Set<string>();

  constructor(options: OpenSearchBackendOptions) {
    if (options.client !== undefined) {
      if (
        !(options.client instanceof Client) &&
        typeof (options.client as Client)?.transport?.request !== "function"
      ) {
        throw new TypeError("`client` must be an @opensearch-project/opensearch Client");
      }
      const clash = CLIENT_OPTION_NAMES.filter((k) => options[k] !== undefined);
      if (clash.length > 0) {
        throw new TypeError(
          `pass either \`client\` or connection options, not both (got ${clash.join(", ")})`,
        );
      }
    }
    this.options = resolveOpenSearchOptions(options);
    this.maxValueBytes = this.options.maxValueBytes;
    this.#ownsClient = options.client === undefined;
    this.client = options.client ?? createOpenSearchClient(options);
    this.#r = {
      backend: this.name,
      client: this.client,
      requestTimeoutMs: timeoutMs(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs"),
      maintenanceTimeoutMs: timeoutMs(
        options.maintenanceTimeoutMs ?? DEFAULT_MAINTENANCE_TIMEOUT_MS,
        "maintenanceTimeoutMs",
      ),
    };
    this.catalog = new IndexCatalog(this.#r, this.options);
    for (const w of this.options.envWarnings) this.options.warn(w);
  }

  /** The index a write made now goes to. */
  writeIndex(): string {
    return this.options.naming.nameFor(this.options.now());
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    const value = (await this.getBytesMulti([id])).get(id) ?? null;
    if (value instanceof Error) throw value;
    return value;
  }

  /**
   * One real-time `_mget` of every (id, index) pair over the alias's indices (see `IndexCatalog`): sees writes
   * not yet refreshed, and of several copies returns the newest. Split only above `mgetMaxDocs` pairs.
   */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const out = new Map<string, Uint8Array | null | CorruptNodeError>(ids.map((id) => [id, null]));
    if (ids.length === 0) return out;
    const indices = await this.catalog.readIndices(ids.length === 1 ? { id: ids[0] } : {});
    const perRequest = Math.max(1, Math.floor(this.options.mgetMaxDocs / indices.length));
    for (let i = 0; i < ids.length; i += perRequest) {
      const batch = ids.slice(i, i + perRequest);
      const { copies } = await this.#mget(batch, indices, "read", true);
      for (const [id, copy] of copies) out.set(id, decodeData(id, copy, this.maxValueBytes, this.name));
    }
    return out;
  }

  async setBytes(id: string, bytes: Uint8Array, ttl?: Ttl): Promise<void> {
    await this.setBytesMulti([[id, bytes]], ttl);
  }

  /** One `_bulk` into today's index (UTC), checked to be in the alias first; failures thrown with their ids. */
  async setBytesMulti(
    entries: ReadonlyArray<readonly [id: string, bytes: Uint8Array]>,
    _ttl?: Ttl,
  ): Promise<void> {
    if (entries.length === 0) return;
    const now = this.options.now();
    const index = this.options.naming.nameFor(now);
    await this.catalog.ensureWritable(index, entries.length === 1 ? entries[0]![0] : undefined);
    const actions = entries.map(([id, bytes]) => indexAction(index, id, documentFor(bytes, now)));
    try {
      await sendBulk(this.#r, "write", actions, {
        maxBytes: this.options.bulkMaxBytes,
        refresh: this.options.refresh,
      });
    } catch (error) {
      // The index was deleted since it was checked (cleanup elsewhere): check it again next time.
      if (
        error instanceof OpenSearchBulkError &&
        error.failures.some((f) => f.type === "index_not_found_exception")
      ) {
        this.catalog.forget([index]);
      }
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    await this.deleteMulti([id]);
  }

  /**
   * Every copy, in every daily index: one real-time `_mget` finds them (a search would miss writes not yet
   * refreshed, as the plugin's delete_by_query does), one `_bulk` deletes exactly those. Absent ids: one request.
   */
  async deleteMulti(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const indices = await this.catalog.readIndices(ids.length === 1 ? { id: ids[0] } : {});
    const perRequest = Math.max(1, Math.floor(this.options.mgetMaxDocs / indices.length));
    const actions: BulkAction[] = [];
    for (let i = 0; i < ids.length; i += perRequest) {
      const { found } = await this.#mget(ids.slice(i, i + perRequest), indices, "delete", false);
      for (const doc of found) actions.push(deleteAction(doc._index, doc._id));
    }
    if (actions.length === 0) return;
    await sendBulk(this.#r, "delete", actions, {
      maxBytes: this.options.bulkMaxBytes,
      refresh: this.options.refresh,
    });
  }

  /**
   * Drops the daily indices whose whole UTC day is before `cutoff` (with `cleanupPrecision: "exact"`, also
   * deletes the older documents of the cutoff's day). `deleted` counts documents, `batches` requests.
   */
  cleanup(cutoff: Date, options?: CleanupOptions): Promise<OpenSearchCleanupResult> {
    return dropOldIndices(this.#r, this.options, this.catalog, cutoff, options);
  }

  /**
   * Every document of the alias's indices, in pages: indices in name order, then shard by shard
   * (`preference=_shards:N`), then by `_seq_no` — an order every process agrees on, so the cursor (base64url of
   * index, shard and sequence number) resumes anywhere. One search per page while a shard lasts, after a refresh
   * of the alias, a listing of its indices and of their `timestamp` mapping at the start of each call. A node
   * stored in several daily indices is listed once per copy; a node overwritten in the same index during a scan
   * may be listed twice (its new copy has a new sequence number). since/until are a range query on `timestamp`.
   * Timestamps are the field's (ms); `storedBytes` is not given (it would mean reading the values).
   */
  scan(options?: ScanOptions): AsyncIterable<ScanPage> {
    return scanAlias(this.#r, this.options, options, this.#closedWarned);
  }

  /**
   * Creates the index template when it does not exist (an existing one is kept unless `overwriteTemplate`; its
   * differences are reported, and those that break reads or writes fail here), then makes sure today's index is
   * in the alias. Safe to call any number of times.
   */
  async bootstrap(): Promise<void> {
    await this.bootstrapReport();
  }

  /** `bootstrap()`, returning what it found and did. */
  async bootstrapReport(): Promise<TemplateReport> {
    const report = await ensureTemplate(this.#r, this.options);
    for (const d of report.differences) {
      this.options.warn(`template "${this.options.template}" differs from ours (${d.severity}): ${d.what}`);
    }
    const fatal = report.differences.filter((d) => d.severity === "fatal");
    if (fatal.length > 0) {
      throw new BackendError(
        this.name,
        "bootstrap",
        `the existing template "${this.options.template}" cannot serve this store: ${fatal.map((d) => d.what).join("; ")}. ` +
          "Fix it, or pass `overwriteTemplate: true` to replace it with ours",
      );
    }
    await this.catalog.ensureWritable(this.writeIndex());
    return report;
  }

  /** Closes the client it created (not one you passed). Idempotent. */
  async close(): Promise<void> {
    if (!this.#ownsClient || this.#closed) return;
    this.#closed = true;
    // The client's close() never settles when called twice (its pool is already empty).
    await this.client.close();
  }

  async #mget(
    ids: readonly string[],
    indices: readonly string[],
    operation: string,
    withFields: boolean,
  ): Promise<{ copies: ReturnType<typeof foldMget>["copies"]; found: MgetDoc[] }> {
    const docs = ids.flatMap((id) => indices.map((index) => ({ _index: index, _id: id })));
    const { body } = await send<{ docs?: MgetDoc[] }>(
      this.#r,
      operation,
      ids.length === 1 ? { id: ids[0] } : {},
      {
        method: "POST",
        path: "/_mget",
        querystring: {
          ...(withFields ? { stored_fields: "data,timestamp" } : { _source: false }),
          realtime: true,
          // Ids absent from an index (most pairs) and names that do not exist answer in a few bytes each.
          filter_path: "docs._index,docs._id,docs.found,docs.fields,docs.error.type,docs.error.reason",
        },
        body: { docs },
      },
    );
    const answer = body.docs ?? [];
    const folded = foldMget(answer);
    if (folded.missingIndices.size > 0) this.catalog.forget([...folded.missingIndices]);
    for (const index of folded.closedIndices) {
      if (this.#closedWarned.has(index)) continue;
      this.#closedWarned.add(index);
      this.options.warn(
        `index ${index} in alias "${this.options.alias}" is closed: nodes stored only there read as missing until it is opened`,
      );
    }
    if (folded.failures.length > 0)
      throw new OpenSearchBulkError(this.name, operation, folded.failures, docs.length);
    return { copies: folded.copies, found: answer.filter((d) => d.found === true && d.error === undefined) };
  }
}
