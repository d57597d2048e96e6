/**
 * Helpers for the codec tests: the golden vectors' tags, and a slow reference encoder that is obviously
 * correct (spelled out from the simplejson rules, sharing no code with the real one).
 */

/** Golden rows tag what JSON cannot hold: `{"$nan":true}`, `{"$inf":1|-1}`, `{"$bigint":"..."}`. */
export function untag(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(untag);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if (keys[0] === "$nan") return Number.NaN;
      if (keys[0] === "$inf") return o.$inf === 1 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      if (keys[0] === "$bigint") return BigInt(o.$bigint as string);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = untag(o[k]);
    return out;
  }
  return v;
}

export const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** Python's key order: compare code point by code point. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** simplejson's ensure_ascii string escaping, one UTF-16 unit at a time. */
export function referenceQuote(s: string): string {
  const short: Record<string, string> = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
  };
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    if (short[ch] !== undefined) out += short[ch];
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else out += `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return `${out}"`;
}

/** Reference encoder for values without special numbers: ints as digits, other finite numbers via repr. */
export function referenceEncode(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "string") return referenceQuote(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
    throw new Error("reference encoder: only safe integers");
  }
  if (Array.isArray(v)) return `[${v.map(referenceEncode).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(codePointCompare);
  return `{${keys.map((k) => `${referenceQuote(k)}:${referenceEncode(o[k])}`).join(",")}}`;
}
