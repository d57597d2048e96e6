import type { CompressionCodec } from "./types.js";
import { zlibCodec } from "./zlib.js";
import { isZstdFrame, zstdCodec } from "./zstd.js";

/** Layers a stored value may name beside itself (S3's Content-Encoding, Tablestore's `flags` column). */
export type TaggedCodecName = "zlib" | "zstd";

const CODECS: Record<TaggedCodecName, CompressionCodec> = { zlib: zlibCodec, zstd: zstdCodec };

export interface TaggedBytes {
  readonly bytes: Uint8Array;
  /** The layer applied, or undefined when the bytes are stored raw. */
  readonly codec: TaggedCodecName | undefined;
}

/**
 * The plugins' "compress, but keep the raw bytes when compression does not help" write rule: the layer is
 * applied only when its output is not longer than the input, and the caller stores the name beside the value.
 */
export function compressTagged(bytes: Uint8Array, codec: TaggedCodecName | undefined): TaggedBytes {
  if (codec !== undefined) {
    const packed = CODECS[codec].compress(bytes);
    if (packed.byteLength <= bytes.byteLength) return { bytes: packed, codec };
  }
  return { bytes, codec: undefined };
}

/**
 * Reverses `compressTagged`. A zstd tag on bytes without the zstd magic number is taken as already decoded
 * (an HTTP layer may decode `Content-Encoding: zstd` itself), never decoded twice. Damaged bytes under a tag
 * are a `CorruptNodeError` naming the layer.
 *
 * @param maxBytes largest decompressed value accepted (default `DEFAULT_MAX_VALUE_BYTES`, 64 MiB): decoding
 *   stops there with a `CorruptNodeError` of the layer ("decompresses past N bytes"). Backends pass their
 *   `maxValueBytes`. Bytes stored raw are returned as they are, whatever their size.
 */
export function decompressTagged(
  bytes: Uint8Array,
  codec: TaggedCodecName | undefined,
  maxBytes?: number,
): Uint8Array {
  if (codec === undefined) return bytes;
  if (codec === "zstd" && !isZstdFrame(bytes)) return bytes;
  return CODECS[codec].decompress(bytes, maxBytes);
}
