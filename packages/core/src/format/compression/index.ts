/** The compression layers a node's bytes may be wrapped in on storage, as the Python side writes them. */
import { base64, zlibBase64 } from "./base64.js";
import { zlibCodec } from "./zlib.js";
import { zstdCodec } from "./zstd.js";

export { base64, zlibBase64 } from "./base64.js";
export { DEFAULT_MAX_VALUE_BYTES } from "./limits.js";
export { compressTagged, decompressTagged, type TaggedBytes, type TaggedCodecName } from "./tagged.js";
export type { CompressionCodec } from "./types.js";
export { isZstdFrame } from "./zstd.js";

export const compression = { zlib: zlibCodec, zstd: zstdCodec, base64, zlibBase64 } as const;
