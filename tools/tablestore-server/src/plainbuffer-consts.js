// PlainBuffer constants (tags, value types, cell operations), the value model the reader and writer share, and
// value sizes as the service's limits count them.

export const HEADER = 0x75;
export const TAG = {
  ROW_PK: 0x01,
  ROW_DATA: 0x02,
  CELL: 0x03,
  CELL_NAME: 0x04,
  CELL_VALUE: 0x05,
  CELL_TYPE: 0x06,
  CELL_TIMESTAMP: 0x07,
  DELETE_ROW_MARKER: 0x08,
  ROW_CHECKSUM: 0x09,
  CELL_CHECKSUM: 0x0a,
};
/** Variant types (the byte after a CELL_VALUE's length). */
export const VT = {
  INTEGER: 0x00,
  DOUBLE: 0x01,
  BOOLEAN: 0x02,
  STRING: 0x03,
  NULL: 0x06,
  BLOB: 0x07,
  INF_MIN: 0x09,
  INF_MAX: 0x0a,
  AUTO_INCREMENT: 0x0b,
};
/** Cell operations of UpdateRow (CELL_TYPE). */
export const CELL_OP = { DELETE_ALL_VERSION: 0x01, DELETE_ONE_VERSION: 0x03, INCREMENT: 0x04 };

/**
 * @typedef {{ type: "INTEGER", value: bigint } | { type: "DOUBLE", value: number } | { type: "BOOLEAN", value: boolean }
 *   | { type: "STRING" | "BLOB", value: Buffer } | { type: "INF_MIN" | "INF_MAX" | "AUTO_INCREMENT" }} Value
 * @typedef {{ name: string, value: Value }} PkCell
 * @typedef {{ name: string, value?: Value, op?: number, ts?: bigint }} AttrCell
 * @typedef {{ pk: PkCell[], cells: AttrCell[], deleteMarker: boolean }} DecodedRow
 */

/** Bytes of a value as stored and as counted in size limits. */
export function valueSize(value) {
  switch (value.type) {
    case "INTEGER":
    case "DOUBLE":
      return 8;
    case "BOOLEAN":
      return 1;
    case "STRING":
    case "BLOB":
      return value.value.length;
    default:
      return 0;
  }
}
