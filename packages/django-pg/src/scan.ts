import { inScanWindow, type ScanOptions, type ScanPage, scanPageSize } from "@nodestore/core";

/** Largest page: one statement returns at most this many rows. */
export const SCAN_PAGE_LIMIT = 10_000;

interface ScanRow {
  id: string;
  timestamp: Date;
  stored: number;
}

/**
 * Keyset pagination on the primary key: `WHERE id > $after ORDER BY id LIMIT n`, one statement per page, walking
 * the primary-key index (no sort, no OFFSET). Comparison and order both use the column's collation, so the
 * cursor (the page's last id) resumes exactly whatever the database collation is. The window is a filter on
 * `"timestamp"` beside it; `octet_length(data)` reads the TOAST pointer's size, not the value.
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
    // Only the conditions in use: `$1 IS NULL OR id > $1` would not be an index condition, and every page
    // would walk the index from its start.
    const values: unknown[] = [];
    const where: string[] = [];
    if (after !== undefined) where.push(`id > $${values.push(after)}`);
    if (options?.since) where.push(`"timestamp" >= $${values.push(options.since)}`);
    if (options?.until) where.push(`"timestamp" < $${values.push(options.until)}`);
    const text =
      `SELECT id, "timestamp", octet_length(data) AS stored FROM ${table}` +
      `${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT $${values.push(pageSize)}`;
    const rows = await query(text, values, windowed);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
    const nodes = rows
      .map((row) => ({ id: row.id, timestamp: row.timestamp, storedBytes: Number(row.stored) }))
      .filter((node) => inScanWindow(node.timestamp, options));
    yield { nodes, cursor: after };
    if (rows.length < pageSize) return;
  }
}
