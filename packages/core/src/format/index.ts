/**
 * The byte format of a node, in one place: the JSON payload and its subkey framing (Sentry's `_encode` /
 * `_decode`), then the compression layers the backends wrap it in on storage (`compression/`).
 *
 * The JSON layer: Sentry's `_encode` / `_decode` with its simplejson settings, byte for byte.
 *
 * Where Python values have no faithful plain-JS form, the codec uses explicit types rather than guesses:
 * - integers beyond 2^53 decode to `bigint` (and `bigint` encodes as digits);
 * - `PyFloat` marks a float with an integral value (`1.0`, `1e+16`, `-0.0`), which a JS number cannot tell
 *   from an int; plain decoding returns numbers, `parseNodeData(b, { lossless: true })` returns `PyFloat`;
 * - `RawSubkeyName` carries a subkey name line that only its raw text reproduces (surrounding whitespace,
 *   non-ASCII); only the lossless parser creates it, so ordinary writes keep the strict name checks.
 */
export {
  base64,
  type CompressionCodec,
  compression,
  compressTagged,
  DEFAULT_MAX_VALUE_BYTES,
  decompressTagged,
  isZstdFrame,
  type TaggedBytes,
  type TaggedCodecName,
  zlibBase64,
} from "./compression/index.js";
export { RawSubkeyName, type SubkeyName } from "./framing.js";
export { formatPythonFloat } from "./json/float-repr.js";
export { PyFloat, pyFloat } from "./json/pyfloat.js";
export {
  decodeNodeData,
  encodeNodeData,
  type ParsedNodeData,
  parseNodeData,
  type Subkeys,
} from "./node-data.js";
export { looksLikePickle } from "./pickle.js";
