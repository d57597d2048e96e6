// Row reads and writes shared by the single-row and batch operations.
import { conditionCheckFail, parameterInvalid } from "./errors.js";
import { valueSize } from "./plainbuffer.js";
import { has, int64 } from "./proto.js";
import { pkKey } from "./storage.js";
import { checkTimestamp, dataSize } from "./validate.js";

const EXPECT = { IGNORE: 0, EXPECT_EXIST: 1, EXPECT_NOT_EXIST: 2 };

/** Capacity units as the service reports them: 4 KB per unit, at least one per row touched. */
export function consumed(read, write) {
  return { capacityUnit: { read, write } };
}
export const units = (bytes) => Math.max(1, Math.ceil(bytes / 4096));

/** Versions filter of GetRow / BatchGetRow / GetRange. */
export function readOptions(req) {
  const range = has(req, "timeRange") ? req.timeRange : undefined;
  const maxVersions = has(req, "maxVersions") ? req.maxVersions : undefined;
  if (maxVersions === undefined && range === undefined) {
    throw parameterInvalid("No version condition is specified while querying row.");
  }
  if (maxVersions !== undefined && maxVersions <= 0) {
    throw parameterInvalid(`Invalid max versions: ${maxVersions}. Reason: Max versions must be positive.`);
  }
  let timeRange;
  if (range) {
    const start = has(range, "startTime") ? int64(range.startTime) : undefined;
    const end = has(range, "endTime") ? int64(range.endTime) : undefined;
    const specific = has(range, "specificTime") ? int64(range.specificTime) : undefined;
    if ((start === undefined) !== (end === undefined)) {
      throw parameterInvalid("Start and end time must be given at the same time.");
    }
    if (specific !== undefined && specific < 0)
      throw parameterInvalid("Specific timestamp cannot be less than 0.");
    timeRange = { start, end, specific };
  }
  const columns = req.columnsToGet ?? [];
  return {
    maxVersions: maxVersions ?? Number.MAX_SAFE_INTEGER,
    timeRange,
    columns: columns.length ? new Set(columns) : undefined,
  };
}

/**
 * The row as a read returns it (versions newest first, at most maxVersions per column), or undefined.
 * @param {import("./storage.js").Table} table
 */
export function readRow(table, key, options, now) {
  const row = table.visible(key, now);
  if (!row) return undefined;
  const cells = [];
  for (const name of [...row.columns.keys()].sort()) {
    if (options.columns && !options.columns.has(name)) continue;
    let versions = row.columns.get(name);
    const tr = options.timeRange;
    if (tr) {
      versions = versions.filter((v) => {
        const ts = Number(v.ts);
        if (tr.specific !== undefined) return ts === tr.specific;
        return ts >= tr.start && ts < tr.end;
      });
    }
    for (const v of versions.slice(0, options.maxVersions)) cells.push({ name, value: v.value, ts: v.ts });
  }
  if (cells.length > 0) return { pk: row.pk, cells };
  // columns_to_get naming a primary-key column returns every row, with its key (and the attributes asked for
  // that it has): how the service reads keys only (Alibaba's own range iterator in the Java SDK's
  // ecosystem/TablestoreSplit asks for the first primary-key column when it needs no attribute).
  if (options.columns && row.pk.some((c) => options.columns.has(c.name))) return { pk: row.pk, cells };
  // "If all columns of a row do not meet the query conditions, the row is not returned" (GetRange,
  // columns_to_get): none of the named attributes, or no version in time_range. A row that has no attributes
  // at all, read whole, is its key.
  if (options.columns || options.timeRange || row.columns.size > 0) return undefined;
  return { pk: row.pk, cells };
}

/** Bytes a read returns (for capacity units). */
export function rowBytes(row) {
  let n = 0;
  for (const c of row.pk) n += Buffer.byteLength(c.name) + valueSize(c.value);
  for (const c of row.cells) n += Buffer.byteLength(c.name) + valueSize(c.value);
  return n;
}

/** The row-existence expectation; column conditions are not implemented here. */
function checkCondition(condition, exists) {
  if (has(condition, "columnCondition") && condition.columnCondition.length > 0) {
    throw parameterInvalid("Column conditions are not supported by the local Tablestore server.");
  }
  const expect = condition.rowExistence;
  if (!Object.values(EXPECT).includes(expect))
    throw parameterInvalid(`Invalid row-existence expectation: ${expect}.`);
  if (expect === EXPECT.EXPECT_EXIST && !exists) throw conditionCheckFail();
  if (expect === EXPECT.EXPECT_NOT_EXIST && exists) throw conditionCheckFail();
}

/**
 * Applies a checked PutRow / UpdateRow / DeleteRow. Throws row-level errors (condition, timestamps).
 * @param {import("./storage.js").Table} table
 * @param {"put" | "update" | "delete"} kind
 */
export function applyWrite(table, kind, decoded, condition, now) {
  const key = pkKey(decoded.pk);
  const exists = table.visible(key, now) !== undefined;
  checkCondition(condition, exists);
  if (kind === "update" && condition.rowExistence === EXPECT.EXPECT_NOT_EXIST) {
    throw parameterInvalid(`Invalid row-existence expectation: EXPECT_NOT_EXIST for UpdateRow.`);
  }
  for (const cell of decoded.cells) checkTimestamp(table, cell, now);
  if (kind === "delete") {
    table.rows.delete(key);
    return;
  }
  const old = table.rows.get(key);
  const columns = kind === "put" || !old ? new Map() : new Map(old.columns);
  const stamp = BigInt(now);
  for (const cell of decoded.cells) {
    if (cell.op === 1) {
      columns.delete(cell.name);
      continue;
    }
    const versions = columns.get(cell.name) ?? [];
    if (cell.op === 3) {
      const kept = versions.filter((v) => v.ts !== cell.ts);
      if (kept.length > 0) columns.set(cell.name, kept);
      else columns.delete(cell.name);
      continue;
    }
    let value = cell.value;
    if (cell.op === 4) {
      const current = versions[0]?.value;
      if (value.type !== "INTEGER" || (current && current.type !== "INTEGER")) {
        throw parameterInvalid("Increment is only supported on INTEGER columns.");
      }
      value = { type: "INTEGER", value: BigInt.asIntN(64, (current?.value ?? 0n) + value.value) };
    }
    const ts = cell.ts ?? stamp;
    const next = [{ value, ts }, ...versions.filter((v) => v.ts !== ts)].sort((a, b) =>
      a.ts > b.ts ? -1 : a.ts < b.ts ? 1 : 0,
    );
    columns.set(cell.name, next.slice(0, table.options.maxVersions));
  }
  if (kind === "update" && columns.size === 0) {
    table.rows.delete(key);
    return;
  }
  table.rows.set(key, { pk: decoded.pk, columns });
}

export { dataSize };
