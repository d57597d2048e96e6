import { CorruptNodeError } from "../../errors.js";

/**
 * Splits a zstd payload into its frames. node:zlib's one-shot decoder stops at the end of the first frame,
 * but a valid payload may hold several (and skippable frames), so we walk the frame format (RFC 8878 §3.1)
 * to find each frame's end. Only headers are read: the cost is a few bytes per 128 KiB block.
 */
export function zstdFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    const end = frameEnd(bytes, pos);
    if (!isSkippable(bytes, pos)) frames.push(bytes.subarray(pos, end));
    pos = end;
  }
  return frames;
}

const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function isSkippable(b: Uint8Array, at: number): boolean {
  return (u32(b, at) & 0xfffffff0) === 0x184d2a50;
}

function frameEnd(b: Uint8Array, start: number): number {
  const need = (n: number, at: number) => {
    if (at + n > b.byteLength) throw new CorruptNodeError("zstd", "truncated zstd frame");
  };
  need(4, start);
  if (isSkippable(b, start)) {
    need(8, start);
    return start + 8 + u32(b, start + 4);
  }
  if (u32(b, start) !== 0xfd2fb528) throw new CorruptNodeError("zstd", `no zstd frame at byte ${start}`);
  need(5, start);
  const descriptor = b[start + 4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const hasChecksum = (descriptor >> 2) & 1;
  const didSize = [0, 1, 2, 4][descriptor & 3]!;
  const fcsSize = [singleSegment, 2, 4, 8][fcsFlag]!;
  let pos = start + 5 + (singleSegment ? 0 : 1) + didSize + fcsSize;
  for (;;) {
    need(3, pos);
    const header = b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new CorruptNodeError("zstd", "reserved zstd block type");
    pos += 3 + (type === 1 ? 1 : size);
    if (last) break;
  }
  pos += hasChecksum ? 4 : 0;
  need(0, pos);
  return pos;
}
