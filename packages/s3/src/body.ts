import { compressTagged, decompressTagged } from "@nodestore/core";

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
 * can reject or rewrite. The compression rule itself is core's `compressTagged`; this is only its header.
 */
export function encodeBody(bytes: Uint8Array, compress: boolean): EncodedBody {
  const tagged = compressTagged(bytes, compress ? "zstd" : undefined);
  return { body: tagged.bytes, contentEncoding: tagged.codec === "zstd" ? "zstd" : undefined };
}

/**
 * The Python plugin's read: decode only when the returned Content-Encoding is exactly `zstd`; absent, empty
 * or anything else is raw. A zstd header on a body without the zstd magic number means an HTTP layer already
 * decoded it (undici/fetch do that for zstd): returned as it is. A body that starts with the magic number
 * but does not decode (damaged: the frame's checksum does not match) or would inflate past `maxBytes`
 * (default core's `DEFAULT_MAX_VALUE_BYTES`, 64 MiB) is a `CorruptNodeError` (layer "zstd").
 */
export function decodeBody(
  body: Uint8Array,
  contentEncoding: string | undefined,
  maxBytes?: number,
): Uint8Array {
  return decompressTagged(body, contentEncoding === "zstd" ? "zstd" : undefined, maxBytes);
}
