// PlainBuffer reader: one request row, every checksum verified, refusals worded as the service words them.
import { crcByte, crcBytes, crcInt32, crcInt64 } from "./crc8.js";
import { parameterInvalid } from "./errors.js";
import { HEADER, TAG, VT } from "./plainbuffer-consts.js";

const TYPE_NAME = Object.fromEntries(Object.entries(VT).map(([k, v]) => [v, k]));

/**
 * @typedef {import("./plainbuffer-consts.js").Value} Value
 * @typedef {import("./plainbuffer-consts.js").PkCell} PkCell
 * @typedef {import("./plainbuffer-consts.js").AttrCell} AttrCell
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads one request row (PutRow/UpdateRow/DeleteRow row_change, or a primary key), verifying every checksum. */
export function decodeRow(bytes) {
  const r = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (r.buf.length < 4) throw r.truncated();
  const header = r.int32();
  if (header !== HEADER) {
    throw parameterInvalid(`Cell data broken, mismatch header, actual: ${header}, expect: ${HEADER}.`);
  }
  let tag = r.tag();
  if (tag !== TAG.ROW_PK)
    throw parameterInvalid(`Cell data broken, mismatch tag, actual tag(${tag}), expect(${TAG.ROW_PK}).`);
  /** @type {PkCell[]} */
  const pk = [];
  /** @type {AttrCell[]} */
  const cells = [];
  let rowCrc = 0;
  tag = r.tag();
  while (tag === TAG.CELL) {
    const cell = r.cell(true);
    pk.push(/** @type {PkCell} */ (cell.cell));
    rowCrc = crcByte(rowCrc, cell.crc);
    tag = r.last;
  }
  if (pk.length === 0) throw parameterInvalid("Cell data broken, PK is empty.");
  if (tag === TAG.ROW_DATA) {
    tag = r.tag();
    if (tag !== TAG.CELL) throw parameterInvalid("Cell data broken, no Cells follow CellTag.");
    while (tag === TAG.CELL) {
      const cell = r.cell(false);
      cells.push(cell.cell);
      rowCrc = crcByte(rowCrc, cell.crc);
      tag = r.last;
    }
  }
  let deleteMarker = false;
  if (tag === TAG.DELETE_ROW_MARKER) {
    deleteMarker = true;
    tag = r.tag();
  }
  rowCrc = crcByte(rowCrc, deleteMarker ? 1 : 0);
  if (tag !== TAG.ROW_CHECKSUM) {
    throw parameterInvalid(
      tag === 0 ? "Invalid row: missing checksum." : "Cell data broken, row is not end with checksum tag.",
    );
  }
  const sent = r.byte();
  if (sent !== rowCrc) throw parameterInvalid(`Cell data broken, checksum is mismatch, ${sent}:${rowCrc}.`);
  // The npm SDK sizes a key holding INF_MIN / INF_MAX one byte too long and sends that zero byte after the row
  // checksum (its GetRange works against the service, so the service ignores it); anything else is refused.
  for (let i = r.pos; i < r.buf.length; i++) {
    if (r.buf[i] !== 0)
      throw parameterInvalid("Cell data broken, has more data in cell, but they can't be parsed.");
  }
  return { pk, cells, deleteMarker };
}

class Reader {
  /** @param {Buffer} buf */
  constructor(buf) {
    this.buf = buf;
    this.pos = 0;
    this.last = 0;
  }
  truncated() {
    return parameterInvalid("Input encoded PK broken, length is shorter than expect.");
  }
  need(n) {
    if (this.pos + n > this.buf.length) throw this.truncated();
  }
  tag() {
    this.last = this.pos >= this.buf.length ? 0 : this.buf[this.pos++];
    return this.last;
  }
  byte() {
    this.need(1);
    return this.buf[this.pos++];
  }
  int32() {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  int64() {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n) {
    if (n < 0) throw parameterInvalid(`Cell data broken, wrong string format, size: ${n}.`);
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** One cell; `last` is the tag after its checksum. */
  cell(isPk) {
    if (this.tag() !== TAG.CELL_NAME) {
      throw parameterInvalid(
        isPk ? "No name is given for primary key." : "Cell data broken, attr has no name.",
      );
    }
    const nameBytes = this.bytes(this.int32());
    let name;
    try {
      name = utf8.decode(nameBytes);
    } catch {
      throw parameterInvalid(`Invalid column name: '${nameBytes.toString("latin1")}'.`);
    }
    let crc = crcBytes(0, nameBytes);
    /** @type {AttrCell} */
    const cell = { name };
    let tag = this.tag();
    if (tag === TAG.CELL_VALUE) {
      const { value, crc: next } = this.value(crc, name);
      cell.value = value;
      crc = next;
      tag = this.tag();
    }
    if (tag === TAG.CELL_TYPE) {
      cell.op = this.byte();
      tag = this.tag();
    }
    if (tag === TAG.CELL_TIMESTAMP) {
      cell.ts = this.int64();
      tag = this.tag();
    }
    // Writers fold the timestamp before the operation, whatever order the tags came in.
    if (cell.ts !== undefined) crc = crcInt64(crc, cell.ts);
    if (cell.op !== undefined) crc = crcByte(crc, cell.op);
    if (tag !== TAG.CELL_CHECKSUM) {
      throw parameterInvalid(
        tag === 0 || tag === TAG.CELL || tag === TAG.ROW_CHECKSUM
          ? `Invalid Column(${name}): missing checksum.`
          : `Cell data broken, cell is not end with checksum[${TAG.CELL_CHECKSUM}] tag.`,
      );
    }
    const sent = this.byte();
    if (sent !== crc) throw parameterInvalid(`Cell data broken, checksum is mismatch, ${sent}:${crc}.`);
    this.tag();
    if (isPk) {
      if (cell.value === undefined) throw parameterInvalid(`No value is given for primary key name:${name}.`);
      if (cell.op !== undefined)
        throw parameterInvalid(`OpType cannot be given for primary key name :${name}.`);
      if (cell.ts !== undefined)
        throw parameterInvalid(`Timestamp cannot be given for primary key name:${name}.`);
    }
    return { cell, crc };
  }

  value(crcIn, name) {
    const total = this.int32();
    const start = this.pos;
    const type = this.byte();
    let crc = crcByte(crcIn, type);
    /** @type {Value} */
    let value;
    switch (type) {
      case VT.INTEGER: {
        const v = this.int64();
        crc = crcInt64(crc, v);
        value = { type: "INTEGER", value: v };
        break;
      }
      case VT.DOUBLE: {
        const bits = this.int64();
        crc = crcInt64(crc, bits);
        const d = new DataView(new ArrayBuffer(8));
        d.setBigInt64(0, bits, true);
        const v = d.getFloat64(0, true);
        if (Number.isNaN(v)) throw parameterInvalid("NaN can't be set to double value.");
        if (!Number.isFinite(v)) throw parameterInvalid("Infinity can't be set to double value.");
        value = { type: "DOUBLE", value: v };
        break;
      }
      case VT.BOOLEAN: {
        const b = this.byte();
        crc = crcByte(crc, b ? 1 : 0);
        value = { type: "BOOLEAN", value: b !== 0 };
        break;
      }
      case VT.STRING:
      case VT.BLOB: {
        const n = this.int32();
        const bytes = Buffer.from(this.bytes(n));
        crc = crcInt32(crc, n);
        crc = crcBytes(crc, bytes);
        if (type === VT.STRING) {
          try {
            utf8.decode(bytes);
          } catch {
            throw parameterInvalid(`Value of column '${name}' must be UTF8 encoding.`);
          }
        }
        value = { type: type === VT.STRING ? "STRING" : "BLOB", value: bytes };
        break;
      }
      case VT.INF_MIN:
      case VT.INF_MAX:
      case VT.AUTO_INCREMENT:
        value = /** @type {Value} */ ({ type: TYPE_NAME[type] });
        break;
      default:
        throw parameterInvalid("data format is invalid, unknown variant type occured.");
    }
    if (this.pos - start !== total) throw parameterInvalid("data format is invalid.");
    return { value, crc };
  }
}
