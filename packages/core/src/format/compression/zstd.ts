import * as zlib from "node:zlib";
import { CorruptNodeError } from "../../errors.js";
import type { CompressionCodec } from "./types.js";
import { zstdFrames } from "./zstd-frames.js";

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/**
 * zstd, level 3 (python-zstandard's default). The frame carries its content size: python-zstandard's
 * one-shot `decompress()` refuses frames without it, so `pledgedSrcSize` is always given.
 * Built on node:zlib (Node >= 22.15): no native addon, nothing downloaded at install time.
 */
export const zstdCodec: CompressionCodec = {
  name: "zstd",
  compress(bytes) {
    const z = requireZstd();
    return z.zstdCompressSync(bytes, {
      params: { [zlib.constants.ZSTD_c_compressionLevel]: 3 },
      pledgedSrcSize: bytes.byteLength,
    });
  },
  decompress(bytes) {
    const z = requireZstd();
    try {
      // Frames with or without a content size are fine; several frames are decoded one by one.
      const frames = zstdFrames(bytes);
      if (frames.length === 1) return z.zstdDecompressSync(frames[0]!);
      return Buffer.concat(frames.map((frame) => z.zstdDecompressSync(frame)));
    } catch (cause) {
      if (cause instanceof CorruptNodeError) throw cause;
      throw new CorruptNodeError("zstd", `invalid zstd frame (${(cause as Error).message})`, { cause });
    }
  },
};

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
