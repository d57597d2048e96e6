import { CorruptNodeError } from "../../errors.js";

/** zstd's largest block: no block, whatever its type, holds more than 128 KiB (RFC 8878 §3.1.1.2). */
const MAX_BLOCK = 128 * 1024;

/** The frame starting at `start` runs past the end of the input; `zstd.ts` asks the decoder why. */
export class TruncatedFrame extends Error {
  constructor(readonly start: number) {
    super("truncated zstd frame");
  }
}

/** One (non-skippable) frame of a payload, as its headers describe it. */
export interface ZstdFrame {
  readonly bytes: Uint8Array;
  /** Frame_Content_Size, when the header carries it. */
  readonly contentSize: number | undefined;
  /**
   * The most the frame's blocks can hold (blocks × Block_Maximum_Size): a content size above it is a lie of
   * the header, never a reason to allocate.
   */
  readonly capacity: number;
}

/**
 * Splits a zstd payload into its frames. node:zlib's one-shot decoder stops at the end of the first frame,
 * but a valid payload may hold several (and skippable frames), so we walk the frame format (RFC 8878 §3.1)
 * to find each frame's end. Only headers are read: the cost is a few bytes per 128 KiB block.
 * Throws `CorruptNodeError` where the headers are impossible, `TruncatedFrame` where the input ends too soon.
 */
export function zstdFrames(bytes: Uint8Array): ZstdFrame[] {
  const frames: ZstdFrame[] = [];
  let pos = 0;
  while (pos < bytes.byteLength) {
    if (isSkippable(bytes, pos)) {
      pos = frameEnd(bytes, pos, undefined);
      continue;
    }
    const frame = { bytes, contentSize: undefined as number | undefined, capacity: 0 };
    const end = frameEnd(bytes, pos, frame);
    frame.bytes = bytes.subarray(pos, end);
    frames.push(frame);
    pos = end;
  }
  return frames;
}

const u32 = (b: Uint8Array, at: number) =>
  (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;

function isSkippable(b: Uint8Array, at: number): boolean {
  return (u32(b, at) & 0xfffffff0) === 0x184d2a50;
}

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/** The input ends inside a zstd magic number. */
function isMagicPrefix(b: Uint8Array, at: number): boolean {
  for (let i = at; i < b.byteLength; i++) if (b[i] !== MAGIC[i - at]) return false;
  return true;
}

function invalid(what: string): CorruptNodeError {
  return new CorruptNodeError("zstd", `invalid zstd frame: ${what}`);
}

/** Where the frame at `start` ends; fills `info` (content size, capacity) for a zstd frame. */
function frameEnd(
  b: Uint8Array,
  start: number,
  info: { contentSize: number | undefined; capacity: number } | undefined,
): number {
  const need = (n: number, at: number) => {
    if (at + n > b.byteLength) throw new TruncatedFrame(start);
  };
  if (start + 4 > b.byteLength && !isMagicPrefix(b, start)) {
    throw new CorruptNodeError("zstd", `no zstd frame at byte ${start}`);
  }
  need(4, start);
  if (isSkippable(b, start)) {
    need(8, start);
    return start + 8 + u32(b, start + 4);
  }
  if (u32(b, start) !== 0xfd2fb528) throw new CorruptNodeError("zstd", `no zstd frame at byte ${start}`);
  need(5, start);
  const descriptor = b[start + 4]!;
  if (descriptor & 0x08) throw invalid(`reserved bit set in the frame header at byte ${start + 4}`);
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const hasChecksum = (descriptor >> 2) & 1;
  const didSize = [0, 1, 2, 4][descriptor & 3]!;
  const fcsSize = [singleSegment, 2, 4, 8][fcsFlag]!;
  let pos = start + 5 + (singleSegment ? 0 : 1) + didSize + fcsSize;
  need(0, pos);
  // Block_Maximum_Size: the smaller of the window and 128 KiB; a single-segment frame's window is its content.
  const fcs = fcsSize > 0 ? contentSize(b, pos - fcsSize, fcsSize) : undefined;
  const window = singleSegment ? fcs! : windowSize(b[start + 5]!);
  const maxBlock = Math.min(window, MAX_BLOCK);
  let blocks = 0;
  for (;;) {
    need(3, pos);
    const header = b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw invalid(`reserved block type at byte ${pos}`);
    if (size > maxBlock)
      throw invalid(`block of ${size} bytes at byte ${pos}, over its ${maxBlock}-byte maximum`);
    pos += 3 + (type === 1 ? 1 : size);
    blocks++;
    if (last) break;
  }
  pos += hasChecksum ? 4 : 0;
  need(0, pos);
  if (info) {
    info.contentSize = fcs;
    info.capacity = blocks * maxBlock;
  }
  return pos;
}

/** Window_Size from the Window_Descriptor byte (RFC 8878 §3.1.1.1.2). */
function windowSize(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >> 3));
  return base + (base / 8) * (descriptor & 7);
}

/** Frame_Content_Size of `size` bytes at `at` (the 2-byte form is offset by 256). */
function contentSize(b: Uint8Array, at: number, size: number): number {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) value = value * 256 + b[at + i]!;
  return size === 2 ? value + 256 : value;
}
