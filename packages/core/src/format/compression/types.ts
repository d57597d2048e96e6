/** One compression layer. Sync, because every codec here is a short CPU-bound call on one node. */
export interface CompressionCodec {
  readonly name: string;
  compress(bytes: Uint8Array): Uint8Array;
  /**
   * @param maxBytes largest output accepted (default `DEFAULT_MAX_VALUE_BYTES`, 64 MiB): decoding stops as soon
   *   as the output would pass it, with a `CorruptNodeError` ("decompresses past N bytes") of this layer.
   *   Backends pass their `maxValueBytes`.
   */
  decompress(bytes: Uint8Array, maxBytes?: number): Uint8Array;
}
