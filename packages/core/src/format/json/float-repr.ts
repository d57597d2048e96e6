/**
 * Python's `repr(float)` (CPython "short" repr, which simplejson uses), built on JS's own shortest round-trip
 * digits: both languages pick the shortest digit string that reads back to the same double, so only the layout
 * differs. Python uses fixed notation when the decimal point position `decpt` satisfies -4 < decpt <= 16 and
 * scientific notation (`1e-05`, `1e+16`: sign and at least two exponent digits) otherwise.
 */
export function formatPythonFloat(n: number): string {
  // Fast path: in [1e-3, 1e15) both JS and Python use fixed notation with the same digits.
  const a = n < 0 ? -n : n;
  if (a >= 1e-3 && a < 1e15) {
    const s = String(n);
    return Number.isInteger(n) ? `${s}.0` : s;
  }
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "Infinity";
  if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
  return layoutPython(n);
}

function layoutPython(n: number): string {
  // toExponential() with no argument gives the shortest round-trip digits: "-1.2345e-7".
  const e = n.toExponential();
  const sign = e.charCodeAt(0) === 45 ? "-" : "";
  const body = sign ? e.slice(1) : e;
  const ePos = body.indexOf("e");
  const digits = body.charCodeAt(1) === 46 ? body[0] + body.slice(2, ePos) : body.slice(0, ePos);
  const exp = Number(body.slice(ePos + 1));
  const decpt = exp + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const absExp = exp < 0 ? -exp : exp;
  return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${absExp < 10 ? "0" : ""}${absExp}`;
}
