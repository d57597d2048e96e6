import { compression, isZstdFrame } from "@nodestore/core";

export interface EncodedBody {
  readonly body: Uint8Array;
  /** `"zstd"`, or undefined for raw bytes (no Content-Encoding header is sent). */
  readonly contentEncoding: "zstd" | undefined;
}

/**
 * The Python plugin's write: zstd (level 3, one frame, content size in the header, as python-zstandard
 * writes it) only when the frame is not longer than the raw bytes, flagged `Content-Encoding: zstd`.
 * Otherwise the raw bytes. Python then sends an empty `Content-Encoding`; we send none, which every reader
 * (Python's included: `compression_strategies.get(None)`) treats the same, and which no server or proxy
 * can reject or rewrite.
 */
export function encodeBody(bytes: Uint8Array, compress: boolean): EncodedBody {
  if (compress) {
    const frame = compression.zstd.compress(bytes);
    if (frame.byteLength <= bytes.byteLength) return { body: frame, contentEncoding: "zstd" };
  }
  return { body: bytes, contentEncoding: undefined };
}

/**
 * The Python plugin's read: decode only when the returned Content-Encoding is exactly `zstd`; absent, empty
 * or anything else is raw. One difference on purpose: when the header says zstd but the body does not start
 * with the zstd magic number (28 b5 2f fd), an HTTP layer already decoded it (undici/fetch do that for
 * zstd), so the bytes are returned as they are instead of being decoded twice.
 * A body that starts with the magic number but does not decode is a `CorruptNodeError` (layer "zstd").
 */
export function decodeBody(body: Uint8Array, contentEncoding: string | undefined): Uint8Array {
  if (contentEncoding !== "zstd" || !isZstdFrame(body)) return body;
  return compression.zstd.decompress(body);
}
