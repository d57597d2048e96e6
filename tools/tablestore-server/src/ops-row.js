// GetRow, PutRow, UpdateRow, DeleteRow, GetRange.
import { parameterInvalid } from "./errors.js";
import { table } from "./ops-table.js";
import { decodeRow, encodeRow, encodeRows } from "./plainbuffer.js";
import { has } from "./proto.js";
import { applyWrite, consumed, dataSize, readOptions, readRow, rowBytes, units } from "./rows.js";
import { comparePk, pkKey } from "./storage.js";
import { checkPk, checkReadKey, checkRowChange } from "./validate.js";

/** A request's row: decoded, checked as a write of `kind`, within the single-row size limit. */
function writeRow(ctx, t, bytes, kind) {
  const decoded = decodeRow(bytes);
  checkRowChange(decoded, kind, ctx.limits);
  checkPk(t, decoded.pk, ctx.limits);
  const size = dataSize(decoded);
  const op = kind === "update" ? "UpdateRow" : "PutRow";
  if (kind !== "delete" && size > ctx.limits.maxWriteBytes) {
    throw parameterInvalid(
      `The total data size of ${op} request exceeds the limit, limit size: ${ctx.limits.maxWriteBytes}, data size: ${size}.`,
    );
  }
  return { decoded, size };
}

function write(ctx, req, kind, field) {
  const t = table(ctx, req.tableName);
  const { decoded, size } = writeRow(ctx, t, req[field], kind);
  applyWrite(t, kind, decoded, req.condition, ctx.now());
  return { consumed: consumed(0, units(size)) };
}

export const rowOps = {
  GetRow(ctx, req) {
    const t = table(ctx, req.tableName);
    const key = decodeRow(req.primaryKey);
    checkReadKey(key);
    checkPk(t, key.pk, ctx.limits);
    const options = readOptions(req);
    const row = readRow(t, pkKey(key.pk), options, ctx.now());
    return {
      consumed: consumed(row ? units(rowBytes(row)) : 1, 0),
      row: row ? ctx.corrupt(encodeRow(row)) : Buffer.alloc(0),
    };
  },

  PutRow: (ctx, req) => write(ctx, req, "put", "row"),
  UpdateRow: (ctx, req) => write(ctx, req, "update", "rowChange"),
  DeleteRow: (ctx, req) => write(ctx, req, "delete", "primaryKey"),

  GetRange(ctx, req) {
    const t = table(ctx, req.tableName);
    const start = decodeRow(req.inclusiveStartPrimaryKey);
    const end = decodeRow(req.exclusiveEndPrimaryKey);
    for (const k of [start, end]) {
      checkReadKey(k);
      checkPk(t, k.pk, ctx.limits, { range: true });
    }
    const forward = req.direction === 0;
    if (req.direction !== 0 && req.direction !== 1)
      throw parameterInvalid(`Invalid direction: ${req.direction}.`);
    const order = comparePk(start.pk, end.pk);
    if (forward && order >= 0) throw parameterInvalid("Begin key must less than end key in FORWARD.");
    if (!forward && order <= 0) throw parameterInvalid("Begin key must more than end key in BACKWARD.");
    if (has(req, "limit") && req.limit <= 0) throw parameterInvalid("The limit must be greater than 0.");
    const limit = Math.min(has(req, "limit") ? req.limit : Number.MAX_SAFE_INTEGER, ctx.limits.maxRangeRows);
    const options = readOptions(req);
    const now = ctx.now();
    const keys = t.sortedKeys();
    if (!forward) keys.reverse();
    const rows = [];
    let bytes = 0;
    let next;
    for (const key of keys) {
      const stored = t.rows.get(key);
      const c1 = comparePk(stored.pk, start.pk);
      const c2 = comparePk(stored.pk, end.pk);
      const inside = forward ? c1 >= 0 && c2 < 0 : c1 <= 0 && c2 > 0;
      if (!inside) continue;
      const row = readRow(t, key, options, now);
      if (!row) continue;
      if (rows.length >= limit || bytes >= ctx.limits.maxRangeBytes) {
        next = row.pk;
        break;
      }
      rows.push(row);
      bytes += rowBytes(row);
    }
    const out = { consumed: consumed(units(bytes), 0), rows: ctx.corrupt(encodeRows(rows)) };
    if (next) out.nextStartPrimaryKey = encodeRow({ pk: next });
    return out;
  },
};
