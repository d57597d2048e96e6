/**
 * The JSON writer, byte-identical to simplejson as Sentry's nodestore configures it: `separators=(",", ":")`,
 * `sort_keys=True`, `ensure_ascii=True`, `allow_nan=True`. Output is a pure-ASCII JS string.
 *
 * The hot loop never builds error paths; when it meets a value it cannot write it throws a private marker and
 * `describeUnencodable` walks the value again, slowly, to name the offending path and type.
 */
import { InvalidDataError } from "../../errors.js";
import { formatPythonFloat } from "./float-repr.js";
import { sortKeysPython } from "./key-order.js";
import { PyFloat } from "./pyfloat.js";

/** Deeper than this is refused (Python's own recursion limit stops simplejson at about the same depth). */
export const MAX_DEPTH = 1000;

/** Chars that can be written between quotes as they are: printable ASCII except `"` and `\`. */
const NEEDS_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** Escape for each ASCII char: "" when it is written as is. */
const ASCII_ESCAPES: string[] = [];
for (let c = 0; c < 0x80; c++) {
  ASCII_ESCAPES.push(c >= 0x20 && c < 0x7f ? "" : `\\u${c.toString(16).padStart(4, "0")}`);
}
ASCII_ESCAPES[0x22] = '\\"';
ASCII_ESCAPES[0x5c] = "\\\\";
ASCII_ESCAPES[0x08] = "\\b";
ASCII_ESCAPES[0x0c] = "\\f";
ASCII_ESCAPES[0x0a] = "\\n";
ASCII_ESCAPES[0x0d] = "\\r";
ASCII_ESCAPES[0x09] = "\\t";
/** Lowercase two-digit hex for 0..255, to build `\uXXXX` without toString/padStart per char. */
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

class Unencodable extends Error {}
const UNENCODABLE = new Unencodable("unencodable");

let out = "";

/** Encode one value; `where` names it in error messages (`main`, `subkey "unprocessed"`). */
export function encodeJson(value: unknown, where: string): string {
  // Saved and restored so a getter that itself encodes cannot clobber this call's buffer.
  const saved = out;
  out = "";
  try {
    writeValue(value, 0);
    return out;
  } catch (e) {
    if (e === UNENCODABLE) throw new InvalidDataError(describeUnencodable(value, where));
    throw e;
  } finally {
    out = saved;
  }
}

export function quoteString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  // Copy runs of plain chars by slice; escape the rest as simplejson does (UTF-16 units, so an astral char
  // becomes its surrogate pair and a lone surrogate is written as is).
  let r = '"';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let esc: string;
    if (c < 0x80) {
      esc = ASCII_ESCAPES[c]!;
      if (esc === "") continue;
    } else {
      esc = `\\u${HEX2[c >> 8]}${HEX2[c & 0xff]}`;
    }
    r += last === i ? esc : s.slice(last, i) + esc;
    last = i + 1;
  }
  return last === n ? `${r}"` : `${r}${s.slice(last)}"`;
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

function writeValue(v: unknown, depth: number): void {
  switch (typeof v) {
    case "string":
      out += quoteString(v);
      return;
    case "number":
      out += formatNumber(v);
      return;
    case "boolean":
      out += v ? "true" : "false";
      return;
    case "bigint":
      out += v.toString();
      return;
    case "object": {
      if (v === null) {
        out += "null";
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
        out += formatPythonFloat(v.value);
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
  if (n === 0) {
    out += "[]";
    return;
  }
  out += "[";
  writeValue(a[0], depth);
  for (let i = 1; i < n; i++) {
    out += ",";
    writeValue(a[i], depth);
  }
  out += "]";
}

function writeObject(o: Record<string, unknown>, depth: number): void {
  const keys = sortKeysPython(Object.keys(o));
  const n = keys.length;
  if (n === 0) {
    out += "{}";
    return;
  }
  let sep = "{";
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    out += `${sep}${quoteString(k)}:`;
    writeValue(o[k], depth);
    sep = ",";
  }
  out += "}";
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
