import * as zlib from "node:zlib";
import { CorruptNodeError } from "../../errors.js";
import { isOutputTooLarge, outputBound, tooLarge } from "./limits.js";
import type { CompressionCodec } from "./types.js";
import { zstdContexts } from "./zstd-context.js";
import { TruncatedFrame, type ZstdFrame, zstdFrames } from "./zstd-frames.js";

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/**
 * zstd, level 3 (python-zstandard's default), one frame that carries
 * - its content size: python-zstandard's one-shot `decompress()` refuses frames without it, so
 *   `pledgedSrcSize` is always given;
 * - a content checksum (`ZSTD_c_checksumFlag`, XXH64 of the content): a flipped bit in a stored object is
 *   then a `CorruptNodeError`, never different data. python-zstandard and the zstd CLI verify it too.
 * Built on node:zlib (Node >= 22.15): no native addon, nothing downloaded at install time. One compression and
 * one decompression context are reused from call to call where node:zlib allows it (`zstd-context.ts`; the
 * README's "Codec speed: compression layers" has the measurements); the bytes are the same either way.
 */
export const zstdCodec: CompressionCodec = {
  name: "zstd",
  compress(bytes) {
    const z = requireZstd();
    const reused = zstdContexts()?.compress(bytes);
    if (reused) return reused;
    return z.zstdCompressSync(bytes, {
      params: {
        [zlib.constants.ZSTD_c_compressionLevel]: 3,
        [zlib.constants.ZSTD_c_checksumFlag]: 1,
      },
      pledgedSrcSize: bytes.byteLength,
    });
  },
  decompress(bytes, maxBytes) {
    const z = requireZstd();
    const bound = outputBound(maxBytes);
    try {
      // Frames with or without a content size or checksum are fine; several frames are decoded one by one,
      // within one budget.
      const frames = zstdFrames(bytes);
      if (frames.length === 1) {
        const frame = frames[0]!;
        return decodeReused(frame, bound) ?? z.zstdDecompressSync(frame.bytes, { maxOutputLength: bound });
      }
      let left = bound;
      const out: Uint8Array[] = [];
      for (const frame of frames) {
        const part =
          decodeReused(frame, left) ??
          z.zstdDecompressSync(frame.bytes, { maxOutputLength: Math.max(left, 1) });
        if (part.byteLength > left) throw tooLarge("zstd", bound);
        left -= part.byteLength;
        out.push(part);
      }
      return Buffer.concat(out);
    } catch (cause) {
      if (cause instanceof CorruptNodeError) throw cause;
      if (isOutputTooLarge(cause)) throw tooLarge("zstd", bound, cause);
      if (cause instanceof TruncatedFrame) throw truncatedOrInvalid(z, bytes, cause.start, bound);
      throw invalidFrame(cause);
    }
  },
};

/**
 * The frame's content through the reused context, when its header gives a content size that fits `left` and
 * its blocks can hold; undefined otherwise, or when the decoder refuses the frame: the public one-shot decoder
 * then decodes it again, bounded by `maxOutputLength`, and its error (or result) is the one we report.
 */
function decodeReused(frame: ZstdFrame, left: number): Uint8Array | undefined {
  const size = frame.contentSize;
  if (size === undefined || size > left || size > frame.capacity) return undefined;
  return zstdContexts()?.decompressFrame(frame.bytes, size);
}

/**
 * The headers say the frame at `start` runs past the input's end: cut short, or garbage whose headers happen to
 * parse. The decoder tells them apart (it reports the end of input only when what it read so far was valid).
 */
function truncatedOrInvalid(z: ZstdApi, bytes: Uint8Array, start: number, bound: number): CorruptNodeError {
  try {
    z.zstdDecompressSync(bytes.subarray(start), { maxOutputLength: bound });
  } catch (cause) {
    if (isOutputTooLarge(cause)) return tooLarge("zstd", bound, cause);
    if ((cause as { code?: string }).code !== "Z_BUF_ERROR") return invalidFrame(cause);
  }
  return new CorruptNodeError(
    "zstd",
    `truncated zstd frame (the input ends inside the frame at byte ${start})`,
  );
}

function invalidFrame(cause: unknown): CorruptNodeError {
  return new CorruptNodeError("zstd", `invalid zstd frame (${(cause as Error).message})`, { cause });
}

export function isZstdFrame(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 4 &&
    bytes[0] === ZSTD_MAGIC[0] &&
    bytes[1] === ZSTD_MAGIC[1] &&
    bytes[2] === ZSTD_MAGIC[2] &&
    bytes[3] === ZSTD_MAGIC[3]
  );
}

type ZstdApi = {
  zstdCompressSync(buf: Uint8Array, options?: object): Buffer;
  zstdDecompressSync(buf: Uint8Array, options?: object): Buffer;
};

function requireZstd(): ZstdApi {
  const z = zlib as unknown as Partial<ZstdApi>;
  if (typeof z.zstdCompressSync !== "function" || typeof z.zstdDecompressSync !== "function") {
    throw new Error(`zstd needs Node.js >= 22.15 (node:zlib zstd support); this is ${process.version}`);
  }
  return z as ZstdApi;
}
