import { inScanWindow, type ScanOptions, type ScanPage, scanPageSize } from "@nodestore/core";

/** Largest page: one statement returns at most this many rows. */
export const SCAN_PAGE_LIMIT = 10_000;

interface ScanRow {
  id: string;
  timestamp: Date;
  stored: number;
}

/**
 * One page's statement. Only the conditions in use: `$1 IS NULL OR id > $1` would not be an index condition,
 * and every page would walk the index from its start. `id > $n` and `ORDER BY id` both use the column's
 * collation, the one its primary-key index is sorted by: the comparison resumes exactly where the order left
 * off, and the plan is an index range scan. (`COLLATE "C"` on both would give byte order but no index: every
 * page would sort the table.) `octet_length(data)` reads the size from the TOAST pointer without fetching the
 * value (`length(data)` would de-TOAST it to count characters).
 */
export function scanStatement(
  table: string,
  after: string | undefined,
  since: Date | undefined,
  until: Date | undefined,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const where: string[] = [];
  if (after !== undefined) where.push(`id > $${values.push(after)}`);
  if (since !== undefined) where.push(`"timestamp" >= $${values.push(since)}`);
  if (until !== undefined) where.push(`"timestamp" < $${values.push(until)}`);
  const text =
    `SELECT id, "timestamp", octet_length(data) AS stored FROM ${table}` +
    `${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT $${values.push(limit)}`;
  return { text, values };
}

/**
 * Keyset pagination on the primary key: `WHERE id > $after ORDER BY id LIMIT n`, one statement per page, no
 * OFFSET; the cursor is the page's last id. The window is a condition on `"timestamp"` beside it.
 */
export async function* scanTable(
  query: (text: string, values: unknown[], windowed: boolean) => Promise<ScanRow[]>,
  table: string,
  options: ScanOptions | undefined,
  name: string,
): AsyncIterable<ScanPage> {
  const pageSize = scanPageSize(options, SCAN_PAGE_LIMIT, name);
  const windowed = options?.since !== undefined || options?.until !== undefined;
  let after: string | undefined = options?.after;
  for (;;) {
    options?.signal?.throwIfAborted();
    const { text, values } = scanStatement(table, after, options?.since, options?.until, pageSize);
    const rows = await query(text, values, windowed);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    // The server already applied the window; pg's Date drops microseconds (floor), which keeps each row in it.
    const nodes = rows
      .map((row) => ({ id: row.id, timestamp: row.timestamp, storedBytes: Number(row.stored) }))
      .filter((node) => inScanWindow(node.timestamp, options));
    yield { nodes, cursor: after };
    if (rows.length < pageSize) return;
  }
}
