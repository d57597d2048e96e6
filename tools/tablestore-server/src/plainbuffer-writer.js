// PlainBuffer writer: rows of answers, with their cell and row checksums, in the order both SDK readers expect.
import { crcByte, crcBytes, crcInt32, crcInt64 } from "./crc8.js";
import { HEADER, TAG, VT } from "./plainbuffer-consts.js";

/**
 * @typedef {import("./plainbuffer-consts.js").Value} Value
 * @typedef {import("./plainbuffer-consts.js").PkCell} PkCell
 */

class Writer {
  constructor() {
    /** @type {Buffer[]} */
    this.parts = [];
  }
  byte(b) {
    this.parts.push(Buffer.of(b));
  }
  int32(v) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
  }
  int64(v) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    this.parts.push(b);
  }
  raw(b) {
    this.parts.push(b);
  }
  finish() {
    return Buffer.concat(this.parts);
  }

  /** A cell: name, value, timestamp, checksum (the checksum is returned for the row's). */
  cell(name, value, ts) {
    const nameBytes = Buffer.from(name, "utf8");
    this.byte(TAG.CELL);
    this.byte(TAG.CELL_NAME);
    this.int32(nameBytes.length);
    this.raw(nameBytes);
    let crc = crcBytes(0, nameBytes);
    this.byte(TAG.CELL_VALUE);
    crc = this.value(value, crc);
    if (ts !== undefined) {
      this.byte(TAG.CELL_TIMESTAMP);
      this.int64(ts);
      crc = crcInt64(crc, ts);
    }
    this.byte(TAG.CELL_CHECKSUM);
    this.byte(crc);
    return crc;
  }

  value(value, crcIn) {
    const type = VT[value.type];
    let crc = crcByte(crcIn, type);
    switch (value.type) {
      case "INTEGER":
        this.int32(9);
        this.byte(type);
        this.int64(value.value);
        return crcInt64(crc, value.value);
      case "DOUBLE": {
        const d = new DataView(new ArrayBuffer(8));
        d.setFloat64(0, value.value, true);
        const bits = d.getBigInt64(0, true);
        this.int32(9);
        this.byte(type);
        this.int64(bits);
        return crcInt64(crc, bits);
      }
      case "BOOLEAN":
        this.int32(2);
        this.byte(type);
        this.byte(value.value ? 1 : 0);
        return crcByte(crc, value.value ? 1 : 0);
      case "STRING":
      case "BLOB":
        this.int32(5 + value.value.length);
        this.byte(type);
        this.int32(value.value.length);
        this.raw(value.value);
        crc = crcInt32(crc, value.value.length);
        return crcBytes(crc, value.value);
      default:
        this.int32(1);
        this.byte(type);
        return crc;
    }
  }

  /** @param {{ pk: PkCell[], cells?: Array<{ name: string, value: Value, ts?: bigint }> }} row */
  row(row) {
    let rowCrc = 0;
    this.byte(TAG.ROW_PK);
    for (const c of row.pk) rowCrc = crcByte(rowCrc, this.cell(c.name, c.value));
    if (row.cells && row.cells.length > 0) {
      this.byte(TAG.ROW_DATA);
      for (const c of row.cells) rowCrc = crcByte(rowCrc, this.cell(c.name, c.value, c.ts));
    }
    rowCrc = crcByte(rowCrc, 0);
    this.byte(TAG.ROW_CHECKSUM);
    this.byte(rowCrc);
  }
}

/** One row with its header, as GetRow / BatchGetRow / write responses carry it. */
export function encodeRow(row) {
  const w = new Writer();
  w.int32(HEADER);
  w.row(row);
  return w.finish();
}

/** GetRange's `rows`: one header, then the rows back to back; empty when there are none. */
export function encodeRows(rows) {
  if (rows.length === 0) return Buffer.alloc(0);
  const w = new Writer();
  w.int32(HEADER);
  for (const row of rows) w.row(row);
  return w.finish();
}
