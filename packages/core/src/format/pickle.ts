/**
 * Recognising Sentry's pre-2021 Django rows, which hold a pickled dict (`GzippedDictField`:
 * base64(zlib(pickle.dumps(value)))) instead of JSON. We never unpickle; we only decide whether bytes are a
 * pickle, so that a damaged or foreign row (say, zlib of `this is not json`) is reported as corrupt instead of
 * being mislabelled as a legacy node.
 */

/** `(dp<n>\n` or `(d.`: MARK, DICT, then PUT or STOP. Python 2's pickle writes `(dp0\n`, cPickle `(dp1\n`. */
const PROTOCOL_0_DICT = /^\(d(?:p\d+\n|\.)/;
/** GLOBAL `c<module>\n<name>\n`: protocols 0 and 1 start so for a dict subclass or any class instance. */
const GLOBAL = /^c[A-Za-z_][\w.]*\n[A-Za-z_][\w.]*\n/;

/**
 * True when the bytes start the way every pickle of a mapping does, for the protocols Python 2 and 3 write:
 * - protocol 2 to 5: PROTO (`0x80`) followed by the protocol number 2..5 (Python 2's `HIGHEST_PROTOCOL` is 2);
 * - protocol 0 dict: `(dp0\n`, `(dp1\n` (MARK, DICT, PUT) or `(d.`;
 * - protocol 1 dict: EMPTY_DICT `}` followed by BINPUT `q`, LONG_BINPUT `r`, MARK `(` or STOP `.`;
 * - protocol 0/1 instance of a dict subclass: GLOBAL `c<module>\n<name>\n` (e.g. `ccopy_reg\n_reconstructor\n`).
 * Text, JSON that is not an object, and random bytes do not match (each form needs two specific leading bytes,
 * or a whole `module\nname\n` header).
 */
export function looksLikePickle(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2) return false;
  const [first, second] = [bytes[0]!, bytes[1]!];
  if (first === 0x80) return second >= 2 && second <= 5;
  if (first === 0x7d) return second === 0x71 || second === 0x72 || second === 0x28 || second === 0x2e;
  if (first !== 0x28 && first !== 0x63) return false;
  const head = String.fromCharCode(...bytes.subarray(0, 256));
  return first === 0x28 ? PROTOCOL_0_DICT.test(head) : GLOBAL.test(head);
}
