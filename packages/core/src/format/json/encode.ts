/**
 * The JSON writer, byte-identical to simplejson as Sentry's nodestore configures it: `separators=(",", ":")`,
 * `sort_keys=True`, `ensure_ascii=True`, `allow_nan=True`. Output is pure ASCII.
 *
 * It writes bytes straight into one growable buffer (issue #12: building a JS string of many small pieces and
 * flattening it at the end cost more than the JSON itself). Hot paths, each with its exact fallback:
 * - object keys are sorted by UTF-16 unit (`<`), which equals Python's code point order unless a key holds a
 *   char >= U+D800; the first such key (never cached, so always checked) re-sorts the rest by code point;
 * - `,"key":` bytes are cached per key string (bounded; keys with a char >= U+D800 or longer than 64 chars are
 *   not cached);
 * - a long string with nothing to escape (one regex test) is copied by `latin1Write`; anything else goes
 *   char by char, escaping as simplejson does.
 *
 * The hot loop never builds error paths; when it meets a value it cannot write it throws a private marker and
 * `describeUnencodable` walks the value again, slowly, to name the offending path and type.
 */
import { Buffer } from "node:buffer";
import { InvalidDataError } from "../../errors.js";
import { formatPythonFloat } from "./float-repr.js";
import { compareCodePoints, sortKeysPython } from "./key-order.js";
import { PyFloat } from "./pyfloat.js";

/** Deeper than this is refused (Python's own recursion limit stops simplejson at about the same depth). */
export const MAX_DEPTH = 1000;
/** Chars that can be written between quotes as they are: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** 1 for each ASCII char written as is. */
const PLAIN = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) PLAIN[c] = 1;
PLAIN[0x22] = 0;
PLAIN[0x5c] = 0;
/** Escape for each ASCII char that is not written as is. */
const ASCII_ESCAPES: string[] = [];
for (let c = 0; c < 0x80; c++) ASCII_ESCAPES.push(`\\u${c.toString(16).padStart(4, "0")}`);
ASCII_ESCAPES[0x22] = '\\"';
ASCII_ESCAPES[0x5c] = "\\\\";
ASCII_ESCAPES[0x08] = "\\b";
ASCII_ESCAPES[0x0c] = "\\f";
ASCII_ESCAPES[0x0a] = "\\n";
ASCII_ESCAPES[0x0d] = "\\r";
ASCII_ESCAPES[0x09] = "\\t";
/** Lowercase hex digits as char codes. */
const HEX = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** Strings at least this long are first tested with NEEDS_ESCAPE, then copied natively. */
const LONG_STRING = 40;
/** Chars >= U+D800: only keys holding one can sort differently by UTF-16 unit and by code point. */
const AT_OR_ABOVE_SURROGATES = /[\ud800-\uffff]/;

class Unencodable extends Error {}
const UNENCODABLE = new Unencodable("unencodable");

const INITIAL_SIZE = 64 * 1024;
/** A buffer that grew beyond this is dropped after use rather than kept for the next call. */
const KEEP_SIZE = 4 * 1024 * 1024;

let buf: Buffer = Buffer.allocUnsafe(INITIAL_SIZE);
let pos = 0;
let busy = false;

/**
 * Run `fill` (which calls `writeJson` / `writeLatin1`) on an empty output and return a copy of what it wrote.
 * Re-entrant: a getter that itself encodes gets a buffer of its own.
 */
export function writeBytes(fill: () => void): Buffer {
  const outer = busy ? ([buf, pos] as const) : undefined;
  if (outer) buf = Buffer.allocUnsafe(INITIAL_SIZE);
  busy = true;
  pos = 0;
  try {
    fill();
    return Buffer.from(buf.subarray(0, pos));
  } finally {
    if (outer) [buf, pos] = outer;
    else {
      busy = false;
      if (buf.length > KEEP_SIZE) buf = Buffer.allocUnsafe(INITIAL_SIZE);
    }
  }
}

/** Write one value; `where` names it in error messages (`main`, `subkey "unprocessed"`). Inside `writeBytes`. */
export function writeJson(value: unknown, where: string): void {
  try {
    writeValue(value, 0);
  } catch (e) {
    if (e === UNENCODABLE) throw new InvalidDataError(describeUnencodable(value, where));
    throw e;
  }
}

/** Write a string of chars <= U+00FF, one byte each. Inside `writeBytes`. */
export function writeLatin1(s: string): void {
  const n = s.length;
  if (pos + n > buf.length) grow(n);
  pos += buf.write(s, pos, n, "latin1");
}

/** Encode one value to a (pure ASCII) string. */
export function encodeJson(value: unknown, where: string): string {
  return writeBytes(() => writeJson(value, where)).toString("latin1");
}

/** simplejson's quoted form of a string (a JS string, for tests and tools; the writer does not use it). */
export function quoteString(s: string): string {
  return writeBytes(() => writeString(s)).toString("latin1");
}

/** A JS number: integral ones are Python ints (-0 excepted), the others Python floats. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) {
    if (n === 0) return Object.is(n, -0) ? "-0.0" : "0";
    // Beyond 2^53 String() gives the shortest round-trip digits ("72296031948879620") or exponent notation;
    // Python writes the exact integer value of the double ("72296031948879616").
    return n <= Number.MAX_SAFE_INTEGER && n >= Number.MIN_SAFE_INTEGER ? String(n) : BigInt(n).toString();
  }
  return formatPythonFloat(n);
}

function grow(need: number): void {
  let size = buf.length * 2;
  while (size < pos + need) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  buf.copy(bigger, 0, 0, pos);
  buf = bigger;
}

function writeByte(c: number): void {
  if (pos >= buf.length) grow(1);
  buf[pos++] = c;
}

/** An ASCII string (number text, literal). */
function writeAscii(s: string): void {
  const n = s.length;
  if (pos + n > buf.length) grow(n);
  const b = buf;
  let p = pos;
  for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
  pos = p;
}

function writeString(s: string): void {
  const n = s.length;
  if (pos + n + 2 > buf.length) grow(n + 2);
  const b = buf;
  let p = pos;
  b[p++] = 0x22;
  if (n >= LONG_STRING && !NEEDS_ESCAPE.test(s)) {
    p += b.write(s, p, n, "latin1");
  } else {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80 && PLAIN[c] === 1) b[p++] = c;
      else {
        pos = p;
        writeEscapedTail(s, i);
        return;
      }
    }
  }
  b[p++] = 0x22;
  pos = p;
}

/** The rest of a string from its first char that needs an escape, and the closing quote. */
function writeEscapedTail(s: string, from: number): void {
  const n = s.length;
  const most = (n - from) * 6 + 1;
  if (pos + most > buf.length) grow(most);
  const b = buf;
  let p = pos;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (PLAIN[c] === 1) {
        b[p++] = c;
        continue;
      }
      const e = ASCII_ESCAPES[c]!;
      for (let j = 0; j < e.length; j++) b[p++] = e.charCodeAt(j);
    } else {
      // UTF-16 units, as simplejson: an astral char becomes its surrogate pair, a lone surrogate is kept.
      b[p++] = 0x5c;
      b[p++] = 0x75;
      b[p++] = HEX[c >> 12]!;
      b[p++] = HEX[(c >> 8) & 15]!;
      b[p++] = HEX[(c >> 4) & 15]!;
      b[p++] = HEX[c & 15]!;
    }
  }
  b[p++] = 0x22;
  pos = p;
}

function writeValue(v: unknown, depth: number): void {
  switch (typeof v) {
    case "string":
      writeString(v);
      return;
    case "number":
      writeAscii(formatNumber(v));
      return;
    case "boolean":
      writeAscii(v ? "true" : "false");
      return;
    case "bigint":
      writeAscii(v.toString());
      return;
    case "object": {
      if (v === null) {
        writeAscii("null");
        return;
      }
      if (depth >= MAX_DEPTH) throw UNENCODABLE;
      if (Array.isArray(v)) {
        writeArray(v, depth + 1);
        return;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        writeObject(v as Record<string, unknown>, depth + 1);
        return;
      }
      if (v instanceof PyFloat) {
        writeAscii(formatPythonFloat(v.value));
        return;
      }
      throw UNENCODABLE;
    }
    default:
      throw UNENCODABLE;
  }
}

function writeArray(a: unknown[], depth: number): void {
  const n = a.length;
  writeByte(0x5b);
  for (let i = 0; i < n; i++) {
    if (i > 0) writeByte(0x2c);
    writeValue(a[i], depth);
  }
  writeByte(0x5d);
}

/** `,"key":` as bytes, per key string. Bounded: cleared when full. */
const KEY_CACHE = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 8192;
const KEY_CACHE_MAX_LENGTH = 64;

function writeObject(o: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(o);
  const n = keys.length;
  if (n === 0) {
    writeAscii("{}");
    return;
  }
  if (n > 1) sortUtf16(keys);
  let codePointOrder = n === 1;
  for (let i = 0; i < n; i++) {
    let k = keys[i]!;
    let lit = KEY_CACHE.get(k);
    if (lit === undefined) {
      if (!codePointOrder && AT_OR_ABOVE_SURROGATES.test(k)) {
        // Keys without such a char are ordered alike by UTF-16 unit and by code point, so the keys before
        // this one are in place: sort the rest by code point.
        codePointOrder = true;
        sortTailByCodePoint(keys, i);
        k = keys[i]!;
        lit = KEY_CACHE.get(k);
      }
      lit ??= keyLiteral(k);
    }
    const m = lit.length;
    if (pos + m > buf.length) grow(m);
    const b = buf;
    let p = pos;
    if (i === 0) b[p++] = 0x7b;
    for (let j = i === 0 ? 1 : 0; j < m; j++) b[p++] = lit[j]!;
    pos = p;
    writeValue(o[k], depth);
  }
  writeByte(0x7d);
}

/** `,"key":` for a key, cached when it is short and has no char >= U+D800. */
function keyLiteral(k: string): Uint8Array {
  const start = pos;
  writeByte(0x2c);
  writeString(k);
  writeByte(0x3a);
  const lit = new Uint8Array(buf.subarray(start, pos));
  pos = start;
  if (k.length <= KEY_CACHE_MAX_LENGTH && !AT_OR_ABOVE_SURROGATES.test(k)) {
    if (KEY_CACHE.size >= KEY_CACHE_MAX) KEY_CACHE.clear();
    KEY_CACHE.set(k, lit);
  }
  return lit;
}

/** Sort by UTF-16 unit: insertion sort for the usual small objects, the built-in sort for larger ones. */
function sortUtf16(a: string[]): void {
  const n = a.length;
  if (n > 24) {
    a.sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = a[i]!;
    let j = i - 1;
    if (!(x < a[j]!)) continue;
    do {
      a[j + 1] = a[j]!;
      j--;
    } while (j >= 0 && x < a[j]!);
    a[j + 1] = x;
  }
}

function sortTailByCodePoint(keys: string[], from: number): void {
  const tail = keys.slice(from).sort(compareCodePoints);
  for (let i = 0; i < tail.length; i++) keys[from + i] = tail[i]!;
}

/** Slow second pass after a failure: find the first value the writer refused and say what and where it is. */
export function describeUnencodable(root: unknown, where: string): string {
  const ancestors: object[] = [];
  const walk = (v: unknown, path: string): string | undefined => {
    if (v === null) return undefined;
    const t = typeof v;
    if (t === "string" || t === "number" || t === "boolean" || t === "bigint") return undefined;
    if (t !== "object")
      return `${shortPath(path)} is ${describeType(v)}, which has no JSON form; ${advice(v)}`;
    const o = v as object;
    if (o instanceof PyFloat) return undefined;
    if (ancestors.includes(o)) {
      return `${shortPath(path)} is a circular reference (it contains itself); break the cycle`;
    }
    if (ancestors.length >= MAX_DEPTH) {
      return (
        `${shortPath(path)} is nested deeper than ${MAX_DEPTH} levels (level ${ancestors.length + 1}), which ` +
        "Sentry's Python code cannot read or write"
      );
    }
    const isArray = Array.isArray(o);
    const proto = Object.getPrototypeOf(o);
    if (!isArray && proto !== Object.prototype && proto !== null) {
      return `${shortPath(path)} is ${describeType(v)}, which has no JSON form; ${advice(v)}`;
    }
    ancestors.push(o);
    try {
      if (isArray) {
        const a = o as unknown[];
        for (let i = 0; i < a.length; i++) {
          const r = walk(a[i], `${path}[${i}]`);
          if (r) return r;
        }
      } else {
        for (const k of sortKeysPython(Object.keys(o))) {
          const r = walk((o as Record<string, unknown>)[k], `${path}${formatKey(k)}`);
          if (r) return r;
        }
      }
    } finally {
      ancestors.pop();
    }
    return undefined;
  };
  return `Cannot encode ${where}: ${walk(root, where) ?? "unsupported value"}`;
}

/** A deep path (`main[0][0]…`, 3 kB at 1000 levels) cut to its two ends, so the error stays one short line. */
function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-50)}`;
}

function formatKey(k: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
}

function describeType(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  if (typeof v === "symbol") return "a symbol";
  const name = (v as object).constructor?.name;
  return name ? `a ${name}` : "a non-plain object";
}

function advice(v: unknown): string {
  if (v === undefined) return "omit the key or use null (Python has no undefined)";
  if (v instanceof Date) return "store it as an ISO string or a Unix timestamp number";
  if (v instanceof Map) return "convert it with Object.fromEntries()";
  if (v instanceof Set) return "convert it with Array.from()";
  if (ArrayBuffer.isView(v)) return "convert it to an array or a base64 string";
  return "use only plain objects, arrays, strings, numbers, bigints, booleans, null and PyFloat";
}
