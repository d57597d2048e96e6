import { once } from "node:events";
import * as zlib from "node:zlib";

/**
 * Damaged bytes for a backend's `faults.corruptions` cases: a flipped bit, a cut, garbage behind a valid
 * header, decompression bombs. Pure helpers; each returns new bytes and leaves its input alone.
 */

/**
 * A copy of `bytes` with one bit flipped: bit 2 of the byte after the first occurrence of `near` (ASCII) when
 * it is found, so `"hello"` stored as a raw zstd literal becomes `"hallo"` (a change only a checksum can
 * catch); otherwise the low bit of the middle byte.
 */
export function flipBit(bytes: Uint8Array, options: { near?: string } = {}): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.byteLength === 0) throw new RangeError("flipBit: no bytes to damage");
  const at = options.near === undefined ? -1 : Buffer.from(out).indexOf(options.near, 0, "latin1");
  if (at >= 0 && at + 1 < out.byteLength) out[at + 1]! ^= 0x04;
  else out[out.byteLength >> 1]! ^= 0x01;
  return out;
}

/** The first `keep` bytes (default: half). */
export function truncateBytes(bytes: Uint8Array, keep = bytes.byteLength >> 1): Uint8Array {
  return Uint8Array.from(bytes.subarray(0, keep));
}

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** The zstd magic number followed by `length` bytes of deterministic garbage (no valid frame header). */
export function zstdMagicThenGarbage(length = 64): Uint8Array {
  const out = new Uint8Array(4 + length);
  out.set(ZSTD_MAGIC);
  let x = 0x9e3779b9;
  for (let i = 4; i < out.byteLength; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  out[4] = 0xff; // reserved bit set in the frame header descriptor: no decoder can take this for a frame
  return out;
}

const ZSTD_BLOCK = 128 * 1024;

/**
 * A zstd frame of run-length blocks that inflates to `inflatedBytes` bytes of `"0"`: about 4 bytes per
 * 128 KiB (a 300 MiB bomb is under 10 kB), built directly, with nothing compressed. With `declareSize: false`
 * the header does not announce the size, so only a streaming bound stops it.
 */
export function zstdBomb(inflatedBytes: number, options: { declareSize?: boolean } = {}): Uint8Array {
  const declare = options.declareSize ?? true;
  const blocks = Math.max(1, Math.ceil(inflatedBytes / ZSTD_BLOCK));
  const header = declare ? 14 : 6;
  const out = Buffer.alloc(header + blocks * 4);
  out.set(ZSTD_MAGIC);
  out[4] = declare ? 0xc0 : 0x00; // frame content size in 8 bytes (or none), no checksum, no dictionary
  out[5] = 7 << 3; // window descriptor: 2^(10+7) = 128 KiB
  if (declare) out.writeBigUInt64LE(BigInt(inflatedBytes), 6);
  let left = inflatedBytes;
  for (let i = 0, pos = header; i < blocks; i++, pos += 4) {
    const size = Math.min(ZSTD_BLOCK, left);
    left -= size;
    const block = (size << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0); // RLE block, last flag
    out[pos] = block & 0xff;
    out[pos + 1] = (block >> 8) & 0xff;
    out[pos + 2] = (block >> 16) & 0xff;
    out[pos + 3] = 0x30;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

const zlibBombs = new Map<number, Promise<Uint8Array>>();

/**
 * A zlib stream (RFC 1950, what Python's `zlib.compress` writes) that inflates to `inflatedBytes` bytes of
 * `"0"`, about 1/1000 of that. Compressed once per size and process (about a second per 256 MiB).
 */
export function zlibBomb(inflatedBytes: number): Promise<Uint8Array> {
  let bomb = zlibBombs.get(inflatedBytes);
  if (bomb === undefined) {
    bomb = deflateRepeated(inflatedBytes);
    zlibBombs.set(inflatedBytes, bomb);
  }
  return bomb;
}

async function deflateRepeated(total: number): Promise<Uint8Array> {
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on("data", (part: Buffer) => parts.push(part));
  const done = once(deflate, "end");
  const chunk = Buffer.alloc(1 << 20, 0x30);
  for (let left = total; left > 0; left -= chunk.byteLength) {
    if (!deflate.write(left >= chunk.byteLength ? chunk : chunk.subarray(0, left))) {
      await once(deflate, "drain");
    }
  }
  deflate.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}
