// CRC-8 as PlainBuffer uses it: polynomial 0x07, initial value 0, no reflection, no final xor, one table lookup
// per byte. Integers are fed low byte first. Both official SDKs compute and verify it on every cell and row.

const TABLE = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let bit = 0; bit < 8; bit++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  TABLE[i] = c;
}

/** @param {number} crc @param {number} byte */
export function crcByte(crc, byte) {
  return TABLE[(crc ^ byte) & 0xff];
}

/** @param {number} crc @param {Uint8Array} bytes */
export function crcBytes(crc, bytes) {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff];
  return c;
}

/** @param {number} crc @param {number} value a 32-bit integer, fed low byte first */
export function crcInt32(crc, value) {
  let c = crc;
  for (let i = 0; i < 4; i++) c = crcByte(c, (value >>> (i * 8)) & 0xff);
  return c;
}

/** @param {number} crc @param {bigint} value a 64-bit integer (two's complement), fed low byte first */
export function crcInt64(crc, value) {
  let v = BigInt.asUintN(64, value);
  let c = crc;
  for (let i = 0; i < 8; i++) {
    c = crcByte(c, Number(v & 0xffn));
    v >>= 8n;
  }
  return c;
}
