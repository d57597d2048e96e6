// Request checks with the service's documented limits and messages (Limits on the Wide Column model; Error
// codes). Each throws the OtsError the service answers with.
import { invalidPk, parameterInvalid } from "./errors.js";
import { valueSize } from "./plainbuffer.js";

/** Documented limits (the server's defaults; `startTablestoreServer({ limits })` overrides them for tests). */
export const DEFAULT_LIMITS = Object.freeze({
  /** Tables in an instance (data tables + indexes). */
  maxTables: 64,
  /** Rows in one BatchGetRow. */
  maxBatchGetRows: 100,
  /** Rows in one BatchWriteRow. */
  maxBatchWriteRows: 200,
  /** One STRING or BINARY attribute value. */
  maxCellBytes: 2 * 1024 * 1024,
  /** One STRING or BINARY primary-key value. */
  maxPkBytes: 1024,
  /** Data (primary keys, column names and values) in one PutRow/UpdateRow, and in one BatchWriteRow. */
  maxWriteBytes: 4 * 1024 * 1024,
  /** Columns in one write request. */
  maxColumnsPerWrite: 1024,
  /** GetRange: rows and data in one response. */
  maxRangeRows: 5000,
  maxRangeBytes: 4 * 1024 * 1024,
  /** Largest POST body accepted (not documented by the service; 413 OTSRequestBodyTooLarge past it). */
  maxBodyBytes: 16 * 1024 * 1024,
  /** Reserved read/write capacity units of a table. */
  maxCapacityUnits: 100_000,
});

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;

export function checkTableName(name) {
  if (typeof name !== "string" || !NAME.test(name) || Buffer.byteLength(name) > 255) {
    throw parameterInvalid(`Invalid table name: '${name}'.`);
  }
}

export function checkColumnName(name) {
  if (name.length === 0) throw parameterInvalid("invalid name of column: empty name.");
  if (!NAME.test(name) || Buffer.byteLength(name) > 255)
    throw parameterInvalid(`Invalid column name: '${name}'.`);
}

const PK_TYPE_OF_VALUE = { INTEGER: "INTEGER", STRING: "STRING", BLOB: "BINARY" };

/**
 * A primary key against the table's schema. `range`: INF_MIN / INF_MAX allowed (GetRange bounds).
 * Mismatches are OTSInvalidPK (row-level in batches); malformed values are OTSParameterInvalid.
 */
export function checkPk(table, pk, limits, { range = false } = {}) {
  if (pk.length !== table.pkSchema.length) throw invalidPk();
  for (let i = 0; i < pk.length; i++) {
    const cell = pk[i];
    const schema = table.pkSchema[i];
    if (cell.name !== schema.name) throw invalidPk();
    const t = cell.value.type;
    if (range && (t === "INF_MIN" || t === "INF_MAX")) continue;
    if (t === "AUTO_INCREMENT") throw parameterInvalid("PKAutoIncr can't be used for read operations.");
    if (t === "DOUBLE") throw parameterInvalid("double can not be used as primary key.");
    if (PK_TYPE_OF_VALUE[t] !== schema.type) throw invalidPk();
    if ((t === "STRING" || t === "BLOB") && cell.value.value.length > limits.maxPkBytes) {
      throw parameterInvalid(
        `The length of primary key column: '${cell.name}' exceeds the MaxLength:${limits.maxPkBytes} with CurrentLength:${cell.value.value.length}.`,
      );
    }
  }
}

/** A read request's key: primary key only. */
export function checkReadKey(decoded) {
  if (decoded.cells.length > 0)
    throw parameterInvalid("Attribute column cannot be given while reading data.");
  if (decoded.deleteMarker) throw parameterInvalid("Delete marker cannot be given.");
}

/** Attribute cells of a PutRow, an UpdateRow or a DeleteRow; `kind` says which. */
export function checkRowChange(decoded, kind, limits) {
  if (kind === "delete") {
    if (!decoded.deleteMarker)
      throw parameterInvalid("Invalid request of delete row: missing RowDeleteMarker in request.");
    if (decoded.cells.length > 0)
      throw parameterInvalid("Invalid delete row request: unexpected cells in request.");
    return;
  }
  if (decoded.deleteMarker) {
    throw parameterInvalid("Invalid request of put/update row: unexpected RowDeleteMarker in request.");
  }
  if (kind === "update" && decoded.cells.length === 0) {
    throw parameterInvalid("Invalid update row request: missing cells in request.");
  }
  const count = decoded.pk.length + decoded.cells.length;
  if (count > limits.maxColumnsPerWrite) {
    throw parameterInvalid(
      `The number of columns from the request exceeds the limit, limit count: ${limits.maxColumnsPerWrite}, column count: ${count}.`,
    );
  }
  const pkNames = new Set(decoded.pk.map((c) => c.name));
  for (const cell of decoded.cells) {
    checkColumnName(cell.name);
    if (pkNames.has(cell.name)) {
      throw parameterInvalid(`Duplicated attribute column name with primary key column: ${cell.name}.`);
    }
    if (kind === "put") {
      if (cell.op !== undefined)
        throw parameterInvalid(`OpType cannot be given for column name:${cell.name} in PutRow.`);
      if (cell.value === undefined)
        throw parameterInvalid("Invalid request of put row: find cells without values.");
    } else if (cell.op === 1 || cell.op === 3) {
      if (cell.value !== undefined) {
        throw parameterInvalid(
          "Column value cannot be given when type is DELETE_ONE_VERSION,DELETE_ALL_VERSION.",
        );
      }
      if (cell.op === 3 && cell.ts === undefined)
        throw parameterInvalid("Timestamp must be given when type is DELETE_ONE_VERSION.");
      if (cell.op === 1 && cell.ts !== undefined)
        throw parameterInvalid("Timestamp cannot be given when type is DELETE_ALL_VERSION.");
      continue;
    } else if (cell.op !== undefined && cell.op !== 4) {
      throw parameterInvalid(`Invalid op type of cell: ${cell.op}.`);
    } else if (cell.value === undefined) {
      throw parameterInvalid(`Invalid cell: ${cell.name}. Reason: missing value.`);
    }
    const t = cell.value.type;
    if (t === "INF_MIN" || t === "INF_MAX" || t === "AUTO_INCREMENT") {
      throw parameterInvalid(`${t} is an invalid type for the attribute column.`);
    }
    if ((t === "STRING" || t === "BLOB") && cell.value.value.length > limits.maxCellBytes) {
      throw parameterInvalid(
        `The length of attribute column: '${cell.name}' exceeded the MaxLength:${limits.maxCellBytes} with CurrentLength:${cell.value.value.length}.`,
      );
    }
  }
}

/** Data size as the write limits count it: primary keys, column names and values. */
export function dataSize(decoded) {
  let size = 0;
  for (const c of decoded.pk) size += Buffer.byteLength(c.name) + valueSize(c.value);
  for (const c of decoded.cells) size += Buffer.byteLength(c.name) + (c.value ? valueSize(c.value) : 0);
  return size;
}

/**
 * A client-given cell timestamp must lie within the table's max time deviation of now, and within the TTL:
 * [max(now - deviation, now - ttl), now + deviation).
 */
export function checkTimestamp(table, cell, now) {
  if (cell.ts === undefined) return;
  const ts = Number(cell.ts);
  const deviation = table.options.deviationCellVersionInSec * 1000;
  let low = now - deviation;
  if (table.options.timeToLive > 0) low = Math.max(low, now - table.options.timeToLive * 1000);
  if (ts < 0 || ts < low || ts >= now + deviation)
    throw parameterInvalid(`Invalid timestamp. Cell:${cell.name}.`);
}

/** Table options of CreateTable / UpdateTable. */
export function checkTableOptions({ timeToLive, maxVersions, deviationCellVersionInSec }) {
  if (timeToLive !== undefined) {
    if (timeToLive === 0 || timeToLive < -1)
      throw parameterInvalid("TimeToLive cannot be 0 or less than -1.");
    if (timeToLive > 0 && timeToLive < 86400) {
      throw parameterInvalid(`TimeToLive must be -1 or at least 86400 seconds, got ${timeToLive}.`);
    }
  }
  if (maxVersions !== undefined && maxVersions <= 0) {
    throw parameterInvalid("The maximum versions cannot be less than or equal to 0.");
  }
  if (
    deviationCellVersionInSec !== undefined &&
    (deviationCellVersionInSec < 0 || deviationCellVersionInSec > 2 ** 53)
  ) {
    throw parameterInvalid("The maximum deviation must be in range [0, INT64_MAX/1000000].");
  }
}

export function checkCapacity(cu, limits) {
  for (const [what, v] of [
    ["read", cu.read],
    ["write", cu.write],
  ]) {
    if (v === undefined) continue;
    if (v < 0) throw parameterInvalid(`Invalid Capacity Unit:${v}. Capacity Unit must be nonnegative.`);
    if (v > limits.maxCapacityUnits) {
      throw parameterInvalid(
        `The value of ${what} capacity unit can not be more than ${limits.maxCapacityUnits}.`,
      );
    }
  }
}
