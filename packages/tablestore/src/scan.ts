import {
  BackendError,
  InvalidArgumentError,
  inScanWindow,
  type ScannedNode,
  type ScanOptions,
  type ScanPage,
  scanPageSize,
} from "@nodestore/core";
import { type BatchContext, batchGet } from "./batch.js";
import { LIMITS } from "./options.js";
import { type SdkRangeAnswer, type SdkRow, TableStore } from "./sdk.js";

export interface ScanContext {
  readonly batch: BatchContext;
  /** Rows per BatchGetRow (the window's reads of rows stored without `flags`). */
  readonly readBatch: number;
}

/**
 * What GetRange asks of each row: the key `id` (naming a primary-key column returns every row, with or without
 * attributes) and `flags` (8 bytes, present on compressed rows; its cell version is the row's last write, since
 * `data` and `flags` are written by one PutRow). Never `data`.
 */
export const SCAN_COLUMNS = ["id", "flags"] as const;

/** The largest time a TimeRange may end at that a JS number holds exactly. */
const END_OF_TIME = Number.MAX_SAFE_INTEGER;

/** Ids that are printable ASCII and do not start with "~" are their own cursor; others are "~" + base64url. */
const PLAIN_CURSOR = /^[!-}][!-~]*$/;

export function encodeCursor(id: string): string {
  return PLAIN_CURSOR.test(id) ? id : `~${Buffer.from(id, "utf8").toString("base64url")}`;
}

export function decodeCursor(backend: string, cursor: string): string {
  let id = cursor;
  if (cursor.startsWith("~")) {
    const bytes = Buffer.from(cursor.slice(1), "base64url");
    id = bytes.toString("utf8");
    if (!/^[A-Za-z0-9_-]+$/.test(cursor.slice(1)) || !Buffer.from(id, "utf8").equals(bytes)) id = "";
  }
  if (id === "" || Buffer.byteLength(id) > LIMITS.pkBytes) {
    throw new InvalidArgumentError(`${backend} scan: after is not a cursor of a Tablestore scan`);
  }
  return id;
}

interface Listed {
  readonly id: string;
  /** The `flags` cell's version, when the row has one. */
  readonly timestamp?: Date;
}

function listed(backend: string, row: SdkRow): Listed {
  const id = row.primaryKey?.[0]?.value;
  if (typeof id !== "string") {
    throw new BackendError(
      backend,
      "scan",
      "the table's primary key is not [id STRING] (the sentry-tablestore layout)",
    );
  }
  const flags = row.attributes?.find((a) => a.columnName === "flags");
  return flags?.timestamp ? { id, timestamp: new Date(flags.timestamp.toNumber()) } : { id };
}

/**
 * GetRange over `id`, FORWARD, from INF_MIN (or the cursor, inclusive: the cursor's own row is dropped) to
 * INF_MAX, `limit` = what the page still lacks, following `next_start_primary_key` until the page is full or the
 * range is done (an answer may hold fewer rows than the limit and still have a next key, even none). A page is
 * the rows examined, at most `pageSize`; its cursor is the last one's id. With `since`/`until`, rows whose
 * `flags` version is known are filtered here; the others (stored raw, no `flags`) are read again by BatchGetRow
 * with `columns_to_get: [data]` and `time_range: [since, until)`, which returns only the rows last written in
 * the window (the table keeps one version), with the version as their timestamp.
 */
export async function* scanTable(ctx: ScanContext, options?: ScanOptions): AsyncIterable<ScanPage> {
  const { backend, client, table } = ctx.batch;
  const pageSize = scanPageSize(options, LIMITS.rangeRows, backend);
  const signal = options?.signal;
  let skip = options?.after === undefined ? undefined : decodeCursor(backend, options.after);
  let start: unknown = skip ?? TableStore.INF_MIN;
  let done = false;
  const pending: Listed[] = [];
  for (;;) {
    while (!done && pending.length < pageSize) {
      signal?.throwIfAborted();
      const limit = Math.min(pageSize - pending.length + (skip === undefined ? 0 : 1), LIMITS.rangeRows);
      const answer = await client.call<SdkRangeAnswer>(
        "getRange",
        {
          tableName: table,
          direction: TableStore.Direction.FORWARD,
          inclusiveStartPrimaryKey: [{ id: start }],
          exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
          columnsToGet: [...SCAN_COLUMNS],
          maxVersions: 1,
          limit,
        },
        { operation: "list the table (GetRange)" },
        signal,
      );
      for (const row of answer.rows) {
        const node = listed(backend, row);
        const isCursorRow = skip !== undefined && node.id === skip;
        skip = undefined;
        if (!isCursorRow) pending.push(node);
      }
      const next = answer.nextStartPrimaryKey?.[0]?.value;
      if (next === undefined || next === null) done = true;
      else start = next;
    }
    if (pending.length === 0) return;
    const examined = pending.splice(0, pageSize);
    const cursor = encodeCursor(examined[examined.length - 1]!.id);
    signal?.throwIfAborted();
    yield { nodes: await inWindow(ctx, examined, options), cursor };
  }
}

/** The examined rows last written in [since, until); all of them without a window. */
async function inWindow(
  ctx: ScanContext,
  examined: readonly Listed[],
  options: ScanOptions | undefined,
): Promise<ScannedNode[]> {
  if (options?.since === undefined && options?.until === undefined) return [...examined];
  const unknown = examined.filter((n) => n.timestamp === undefined).map((n) => n.id);
  const found = new Map<string, Date>();
  const startTime = Math.max(0, options.since?.getTime() ?? 0);
  const endTime = Math.min(END_OF_TIME, options.until?.getTime() ?? END_OF_TIME);
  // An empty window (until at or before since, or before 1970) holds nothing: no request.
  if (unknown.length > 0 && endTime > startTime) {
    await batchGet(
      ctx.batch,
      unknown,
      ctx.readBatch,
      (id, row) => {
        const data = row.attributes?.find((a) => a.columnName === "data");
        if (data?.timestamp) found.set(id, new Date(data.timestamp.toNumber()));
      },
      {
        columnsToGet: ["data"],
        timeRange: { startTime, endTime },
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  }
  const out: ScannedNode[] = [];
  for (const node of examined) {
    const timestamp = node.timestamp ?? found.get(node.id);
    if (timestamp !== undefined && inScanWindow(timestamp, options)) out.push({ id: node.id, timestamp });
  }
  return out;
}
