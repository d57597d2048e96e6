// BatchGetRow and BatchWriteRow. A malformed request fails as a whole (400); a row whose table is missing, whose
// key does not match the schema, whose condition fails or that a fault hits fails alone, with is_ok = false and
// its error, the other rows going through. Tables and rows come back in request order, table names echoed.
import { OtsError, objectNotExist, parameterInvalid } from "./errors.js";
import { decodeRow, encodeRow } from "./plainbuffer.js";
import { applyWrite, consumed, dataSize, readOptions, readRow, rowBytes, units } from "./rows.js";
import { pkKey } from "./storage.js";
import { checkPk, checkReadKey, checkRowChange, checkTableName } from "./validate.js";

const KIND = { 1: "put", 2: "update", 3: "delete" };

/** The first primary-key value of a decoded row, as a string (what fault rules' `keys` name). */
function firstKey(decoded) {
  const v = decoded.pk[0]?.value;
  if (!v) return undefined;
  if (v.type === "STRING" || v.type === "BLOB") return v.value.toString(v.type === "STRING" ? "utf8" : "hex");
  return "value" in v ? String(v.value) : v.type;
}

/** Runs `fn`; an OtsError becomes the row's failure, anything else propagates (a bug: 500). */
function rowResult(fn) {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof OtsError)) throw error;
    return { isOk: false, error: { code: error.code, message: error.message } };
  }
}

function checkDistinctTables(tables) {
  const seen = new Set();
  for (const item of tables) {
    checkTableName(item.tableName);
    if (seen.has(item.tableName)) throw parameterInvalid(`Duplicated table name: '${item.tableName}'.`);
    seen.add(item.tableName);
  }
}

export const batchOps = {
  BatchGetRow(ctx, req) {
    const tables = req.tables ?? [];
    const total = tables.reduce((n, t) => n + (t.primaryKey ?? []).length, 0);
    if (total === 0) throw parameterInvalid("No row specified in the request of BatchGetRow.");
    if (total > ctx.limits.maxBatchGetRows) {
      throw parameterInvalid(`Rows count exceeds the upper limit: ${ctx.limits.maxBatchGetRows}.`);
    }
    checkDistinctTables(tables);
    const parsed = tables.map((item) => ({
      item,
      options: readOptions(item),
      keys: (item.primaryKey ?? []).map((bytes) => {
        const key = decodeRow(bytes);
        checkReadKey(key);
        return key;
      }),
    }));
    const now = ctx.now();
    return {
      tables: parsed.map(({ item, options, keys }) => {
        const t = ctx.instance.tables.get(item.tableName);
        const faults = ctx.faults.rows(ctx.api, item.tableName, keys.length, (i) => firstKey(keys[i]));
        return {
          tableName: item.tableName,
          rows: keys.map((key, i) =>
            rowResult(() => {
              if (faults.has(i)) throw faults.get(i);
              if (!t) throw objectNotExist();
              checkPk(t, key.pk, ctx.limits);
              const row = readRow(t, pkKey(key.pk), options, now);
              return {
                isOk: true,
                consumed: consumed(row ? units(rowBytes(row)) : 1, 0),
                row: row ? ctx.corrupt(encodeRow(row)) : Buffer.alloc(0),
              };
            }),
          ),
        };
      }),
    };
  },

  BatchWriteRow(ctx, req) {
    const tables = req.tables ?? [];
    if (tables.length === 0) throw parameterInvalid("No row is specified in BatchWriteRow.");
    checkDistinctTables(tables);
    let total = 0;
    let size = 0;
    const parsed = tables.map((item) => {
      const rows = item.rows ?? [];
      if (rows.length === 0)
        throw parameterInvalid(`No operation is specified for table: '${item.tableName}'.`);
      const seen = new Map();
      return {
        item,
        rows: rows.map((row) => {
          const kind = KIND[row.type];
          if (!kind) throw parameterInvalid("The modify type is invalid.");
          const decoded = decodeRow(row.rowChange);
          checkRowChange(decoded, kind, ctx.limits);
          total++;
          size += dataSize(decoded);
          const key = pkKey(decoded.pk);
          const checked = row.condition.rowExistence !== 0;
          if (seen.has(key) && (checked || seen.get(key))) {
            throw parameterInvalid(
              "Repeated rows do not support row exist expectation check in BatchModify.",
            );
          }
          seen.set(key, checked);
          return { kind, decoded, condition: row.condition };
        }),
      };
    });
    if (total > ctx.limits.maxBatchWriteRows) {
      throw parameterInvalid(`Rows count exceeds the upper limit: ${ctx.limits.maxBatchWriteRows}.`);
    }
    if (size > ctx.limits.maxWriteBytes) {
      throw parameterInvalid(
        `The total data size of BatchWriteRow request exceeds the limit, limit size: ${ctx.limits.maxWriteBytes}, data size: ${size}.`,
      );
    }
    const now = ctx.now();
    return {
      tables: parsed.map(({ item, rows }) => {
        const t = ctx.instance.tables.get(item.tableName);
        const faults = ctx.faults.rows(ctx.api, item.tableName, rows.length, (i) =>
          firstKey(rows[i].decoded),
        );
        return {
          tableName: item.tableName,
          rows: rows.map(({ kind, decoded, condition }, i) =>
            rowResult(() => {
              if (faults.has(i)) throw faults.get(i);
              if (!t) throw objectNotExist();
              checkPk(t, decoded.pk, ctx.limits);
              applyWrite(t, kind, decoded, condition, now);
              return { isOk: true, consumed: consumed(0, units(dataSize(decoded))) };
            }),
          ),
        };
      }),
    };
  },
};
