/** One compression layer. Sync, because every codec here is a short CPU-bound call on one node. */
export interface CompressionCodec {
  readonly name: string;
  compress(bytes: Uint8Array): Uint8Array;
  decompress(bytes: Uint8Array): Uint8Array;
}
