/**
 * The JSON reader, matching simplejson.loads as Sentry calls it: standard JSON plus the `NaN`, `Infinity` and
 * `-Infinity` tokens, and Python's exact integers (an integer literal outside JS's safe range becomes a
 * `bigint`, never a rounded number).
 *
 * Fast path: native `JSON.parse` whenever a cheap scan proves the text holds none of the cases it would get
 * wrong. Slow path: the hand-written parser below, also used for the lossless mode, which additionally keeps
 * integral float literals (`1.0`, `1e+16`, `-0.0`) as `PyFloat` so they re-encode byte for byte.
 */
import { CorruptNodeError } from "../../errors.js";
import { PyFloat } from "./pyfloat.js";

/** Nesting depth the hand-written parser accepts (Python's reader gives up near 1000). Guards the JS stack. */
export const MAX_PARSE_DEPTH = 2000;
const MAX_SAFE_DIGITS = "9007199254740991";

/**
 * Parse one line. `where` names it in errors (`main`, `subkey "unprocessed"`).
 * @param lossless keep integral float literals as `PyFloat`.
 */
export function parseJson(text: string, lossless: boolean, where: string): unknown {
  if (!needsSlowPath(text) && !(lossless && hasIntegralFloat(text))) {
    try {
      return JSON.parse(text);
    } catch {
      // NaN/Infinity tokens are not scanned for: JSON.parse rejects them and the slow parser reads them
      // (or reports the real syntax error in Python's terms).
    }
  }
  return parseSlow(text, lossless, where);
}

/** The exact path alone (the hand-written parser), which the fast path must always agree with. For tests. */
export function parseJsonExact(text: string, lossless: boolean, where: string): unknown {
  return parseSlow(text, lossless, where);
}

/**
 * True when JSON.parse would silently get a value wrong: an integer literal beyond 2^53-1 (it would round),
 * the integer `-0` (Python's int 0; JSON.parse gives -0), or a key that is a single escape (V8 bug below).
 * A false positive only costs speed.
 */
export function needsSlowPath(text: string): boolean {
  for (let i = text.indexOf("-0"); i >= 0; i = text.indexOf("-0", i + 2)) {
    const after = text.charCodeAt(i + 2);
    const more = after === 46 || after === 101 || after === 69 || (after >= 48 && after <= 57);
    if (!more && startsValue(text, i - 1)) return true;
  }
  return (V8_JSON_KEY_BUG && hasSingleEscapeKey(text)) || hasUnsafeIntegerRun(text);
}

/** V8 12.4 (Node 22) and older are known good; anything newer or unknown gets the (cheap) check. */
const V8_JSON_KEY_BUG = ((v8: string | undefined) => {
  const [major = 0, minor = 0] = (v8 ?? "").split(".").map(Number);
  return !(major > 0 && (major < 12 || (major === 12 && minor <= 4)));
})(process.versions.v8);

/**
 * V8 13.6+ (Node 24, 26) bug, nodejs/node#63785: once any JSON.parse in the process has read a key that is a
 * single escape (`"\\"`, `"\n"`, `"\u00e9"`), later keys of that shape read back as `"\\"`. Our writer
 * escapes every one-char key outside printable ASCII, so such payloads must not reach JSON.parse. Matches
 * `"\X"` or `"\uXXXX"` followed by optional whitespace and `:` (string values are never followed by `:`).
 */
function hasSingleEscapeKey(text: string): boolean {
  for (let i = text.indexOf('"\\'); i >= 0; i = text.indexOf('"\\', i + 2)) {
    let j = text.charCodeAt(i + 2) === 117 ? i + 7 : i + 3; // after \uXXXX or \X
    if (text.charCodeAt(j) !== 34) continue;
    j++;
    for (let c = text.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++j));
    if (text.charCodeAt(j) === 58) return true;
  }
  return false;
}

/**
 * Whether some run of 16+ digits is an integer literal beyond 2^53-1. Only every 16th char is probed: a run
 * of 16+ digits always holds a probe `p`, and then `p - 8` or `p + 8` is in the run too. A probe that passes
 * is checked in full. About 3x cheaper than a regex and 10x cheaper than JSON.parse itself.
 */
function hasUnsafeIntegerRun(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; i += 16) {
    if (!isDigit(text.charCodeAt(i))) continue;
    if (!isDigit(text.charCodeAt(i - 8)) && !isDigit(text.charCodeAt(i + 8))) continue;
    let s = i;
    while (s > 0 && isDigit(text.charCodeAt(s - 1))) s--;
    let e = i + 1;
    while (e < n && isDigit(text.charCodeAt(e))) e++;
    if (e - s >= 16 && isUnsafeInteger(text, s, e)) return true;
    i = e - (e % 16); // the next probe lands past this run
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The digit run [s, e) is an integer literal (a value starts there, no fraction/exponent) beyond 2^53-1. */
function isUnsafeInteger(text: string, s: number, e: number): boolean {
  if (!startsValue(text, text.charCodeAt(s - 1) === 45 ? s - 2 : s - 1)) return false;
  const after = text.charCodeAt(e);
  if (after === 46 || after === 101 || after === 69) return false;
  return e - s > 16 || text.slice(s, e) > MAX_SAFE_DIGITS;
}

/**
 * A float literal that may hold an integral value, as a value: `1.0`, `-0.00`, one with an exponent (`1e+16`,
 * `1.5e+16`; `1e-05` is checked and skipped), or one of 16+ digits that may round to an integer
 * (`1.0000000000000001` reads as 1). Each candidate is checked with Number(). Only the lossless mode needs
 * these (as `PyFloat`).
 *
 * Why the last case is narrow: with k integer digits, a double near 10^k is within 2.3 * 10^(k-16) of an
 * integer only if its fraction starts with at least 15-k zeros or nines. So a literal without exponent can
 * be integral only if its fraction is all zeros, or it has 16+ digits and either its fraction starts with 0
 * or 9, or its integer part has 15+ digits.
 */
const FLOAT_CANDIDATE =
  /(?:^|[:,[\s])(-?\d+(?:\.0+|(?:\.\d+)?[eE][-+]?\d+|\.[09]\d*(?<=[\d.]{17})|(?<=\d{15})\.\d+))(?=[,\]}\s]|$)/g;

export function hasIntegralFloat(text: string): boolean {
  FLOAT_CANDIDATE.lastIndex = 0;
  for (let m = FLOAT_CANDIDATE.exec(text); m !== null; m = FLOAT_CANDIDATE.exec(text)) {
    if (Number.isInteger(Number(m[1]))) return true;
  }
  return false;
}

/** Whether the char at `i` can precede a value: start of text, `:`, `,`, `[` or JSON whitespace. */
function startsValue(text: string, i: number): boolean {
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  return c === 58 || c === 44 || c === 91 || c === 32 || c === 9 || c === 10 || c === 13;
}

// The slow parser keeps its cursor in module state: no closure or object allocation per call.
let src = "";
let pos = 0;
let keepFloats = false;
let label = "";

function parseSlow(text: string, lossless: boolean, where: string): unknown {
  const saved = [src, pos, keepFloats, label] as const;
  src = text;
  pos = 0;
  keepFloats = lossless;
  label = where;
  try {
    skipWs();
    const v = parseValue(0);
    skipWs();
    if (pos !== src.length) fail("extra data after the value");
    return v;
  } catch (e) {
    if (e instanceof RangeError) fail("nesting too deep for the JS stack");
    throw e;
  } finally {
    [src, pos, keepFloats, label] = saved;
  }
}

function fail(what: string): never {
  const near = JSON.stringify(src.slice(pos, pos + 20));
  throw new CorruptNodeError("json", `${label} is not valid JSON: ${what} at char ${pos} (near ${near})`);
}

function skipWs(): void {
  for (;;) {
    const c = src.charCodeAt(pos);
    if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
    else return;
  }
}

function parseValue(depth: number): unknown {
  const c = src.charCodeAt(pos);
  switch (c) {
    case 34: // "
      return parseString();
    case 123: // {
      return parseObject(depth + 1);
    case 91: // [
      return parseArray(depth + 1);
    case 116: // t
      return literal("true", true);
    case 102: // f
      return literal("false", false);
    case 110: // n
      return literal("null", null);
    case 78: // N
      return literal("NaN", Number.NaN);
    case 73: // I
      return literal("Infinity", Number.POSITIVE_INFINITY);
    default:
      if (c === 45 || (c >= 48 && c <= 57)) return parseNumber();
      return fail(Number.isNaN(c) ? "unexpected end of data, expecting a value" : "expecting a value");
  }
}

function literal<T>(word: string, value: T): T {
  if (!src.startsWith(word, pos)) fail("expecting a value");
  pos += word.length;
  return value;
}

function parseObject(depth: number): Record<string, unknown> {
  if (depth > MAX_PARSE_DEPTH) fail(`nesting deeper than ${MAX_PARSE_DEPTH} levels`);
  pos++;
  const o: Record<string, unknown> = {};
  skipWs();
  if (src.charCodeAt(pos) === 125) {
    pos++;
    return o;
  }
  for (;;) {
    if (src.charCodeAt(pos) !== 34) fail("expecting a property name in double quotes");
    const key = parseString();
    skipWs();
    if (src.charCodeAt(pos) !== 58) fail("expecting ':' delimiter");
    pos++;
    skipWs();
    const v = parseValue(depth);
    // A plain assignment to "__proto__" would replace the prototype; JSON.parse makes it an own property.
    if (key === "__proto__")
      Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
    else o[key] = v;
    skipWs();
    const c = src.charCodeAt(pos);
    if (c === 44) {
      pos++;
      skipWs();
    } else if (c === 125) {
      pos++;
      return o;
    } else fail("expecting ',' or '}'");
  }
}

function parseArray(depth: number): unknown[] {
  if (depth > MAX_PARSE_DEPTH) fail(`nesting deeper than ${MAX_PARSE_DEPTH} levels`);
  pos++;
  const a: unknown[] = [];
  skipWs();
  if (src.charCodeAt(pos) === 93) {
    pos++;
    return a;
  }
  for (;;) {
    a.push(parseValue(depth));
    skipWs();
    const c = src.charCodeAt(pos);
    if (c === 44) {
      pos++;
      skipWs();
    } else if (c === 93) {
      pos++;
      return a;
    } else fail("expecting ',' or ']'");
  }
}

function parseString(): string {
  const start = pos + 1;
  let i = start;
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 34) {
      pos = i + 1;
      return src.slice(start, i);
    }
    if (c === 92) break;
    if (c < 32 || Number.isNaN(c)) {
      pos = i;
      fail(Number.isNaN(c) ? "unterminated string" : "invalid control character in string");
    }
    i++;
  }
  // Escapes: find the closing quote, then let JSON.parse decode (and validate) the literal.
  for (;;) {
    const c = src.charCodeAt(i);
    if (c === 34) break;
    if (c === 92) i++;
    else if (Number.isNaN(c)) {
      pos = i;
      fail("unterminated string");
    }
    i++;
  }
  try {
    const s = JSON.parse(src.slice(start - 1, i + 1)) as string;
    pos = i + 1;
    return s;
  } catch {
    return fail("invalid string escape or control character");
  }
}

function parseNumber(): unknown {
  const start = pos;
  let c = src.charCodeAt(pos);
  if (c === 45) {
    c = src.charCodeAt(++pos);
    if (c === 73) return -literal("Infinity", Number.POSITIVE_INFINITY);
  }
  if (c === 48) c = src.charCodeAt(++pos);
  else if (c >= 49 && c <= 57) {
    do c = src.charCodeAt(++pos);
    while (c >= 48 && c <= 57);
  } else fail("expecting a digit");
  let isFloat = false;
  if (c === 46) {
    isFloat = true;
    c = src.charCodeAt(++pos);
    if (!(c >= 48 && c <= 57)) fail("expecting a digit after '.'");
    do c = src.charCodeAt(++pos);
    while (c >= 48 && c <= 57);
  }
  if (c === 101 || c === 69) {
    isFloat = true;
    c = src.charCodeAt(++pos);
    if (c === 43 || c === 45) c = src.charCodeAt(++pos);
    if (!(c >= 48 && c <= 57)) fail("expecting a digit in the exponent");
    do c = src.charCodeAt(++pos);
    while (c >= 48 && c <= 57);
  }
  const text = src.slice(start, pos);
  const n = Number(text);
  if (isFloat) {
    // A float literal with an integral value would re-encode as an int; PyFloat keeps it a float.
    return keepFloats && Number.isInteger(n) ? new PyFloat(n) : n;
  }
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n; // Python's int has no -0
  return BigInt(text);
}
