import * as zlib from "node:zlib";
import { CorruptNodeError } from "./errors.js";
import { zstdFrames } from "./zstd-frames.js";

/** One compression layer. Sync, because every codec here is a short CPU-bound call on one node. */
export interface CompressionCodec {
  readonly name: string;
  compress(bytes: Uint8Array): Uint8Array;
  decompress(bytes: Uint8Array): Uint8Array;
}

/** zlib stream (RFC 1950, header 78 9c), level 6: what Python's `zlib.compress` writes and Sentry reads. */
const zlibCodec: CompressionCodec = {
  name: "zlib",
  compress: (bytes) => zlib.deflateSync(bytes, { level: 6 }),
  decompress(bytes) {
    try {
      return zlib.inflateSync(bytes);
    } catch (cause) {
      throw new CorruptNodeError("zlib", `not a zlib stream (${(cause as Error).message})`, { cause });
    }
  },
};

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd] as const;

/**
 * zstd, level 3 (python-zstandard's default). The frame carries its content size: python-zstandard's
 * one-shot `decompress()` refuses frames without it, so `pledgedSrcSize` is always given.
 * Built on node:zlib (Node >= 22.15): no native addon, nothing downloaded at install time.
 */
const zstdCodec: CompressionCodec = {
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

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard alphabet, padded, no line breaks: the only form Python's `base64.b64decode` reads back intact. */
export const base64 = {
  encode: (bytes: Uint8Array): string =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
  decode(text: string): Uint8Array {
    // Python's decoder skips line breaks too; anything else outside the alphabet is corruption, not noise.
    const clean = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
    if (clean.length % 4 !== 0 || !BASE64_RE.test(clean)) {
      throw new CorruptNodeError("base64", "not standard padded base64");
    }
    return Buffer.from(clean, "base64");
  },
};

/**
 * The string Sentry's Django backend keeps in `nodestore_node.data` (and the OpenSearch plugins in `data`):
 * base64(zlib(bytes)).
 */
export const zlibBase64 = {
  encode: (bytes: Uint8Array): string => base64.encode(zlibCodec.compress(bytes)),
  decode: (text: string): Uint8Array => zlibCodec.decompress(base64.decode(text)),
};

export const compression = { zlib: zlibCodec, zstd: zstdCodec, base64, zlibBase64 } as const;
