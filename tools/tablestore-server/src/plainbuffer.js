// PlainBuffer, Tablestore's row encoding inside the protobuf messages: little-endian, a 0x75 header, tagged
// cells each closed by a CRC-8 checksum, rows closed by a checksum over their cells' checksums. Requests are
// parsed strictly (plainbuffer-reader.js: every checksum verified, as the service does); responses are written
// the way both SDK readers expect (plainbuffer-writer.js).
export { CELL_OP, HEADER, TAG, VT, valueSize } from "./plainbuffer-consts.js";
export { decodeRow } from "./plainbuffer-reader.js";
export { encodeRow, encodeRows } from "./plainbuffer-writer.js";
