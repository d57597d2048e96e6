/**
 * Sentry's nodestore JSON as far as the corpus needs it: sorted keys, `,`/`:` separators and
 * `ensure_ascii` escaping, joined with the subkey framing. It is used for size targets and
 * statistics only; the codec under test lives in @nodestore/core. (For the values the generator
 * produces it matches simplejson byte for byte: no NaN, no integral floats, ASCII keys.)
 */

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sorted(v);
    }
    return out;
  }
  return value;
}

const NON_ASCII = /[\u007f-\uffff]/g;
const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

export function sentryJsonDumps(value: unknown): string {
  return JSON.stringify(sorted(value)).replace(NON_ASCII, escapeChar);
}

/** `MAIN_JSON [\n NAME \n SUBKEY_JSON]*` as a string (pure ASCII, so its length is the byte length). */
export function sentryEncode(main: unknown, subkeys: ReadonlyArray<readonly [string, unknown]> = []): string {
  let out = sentryJsonDumps(main);
  for (const [name, value] of subkeys) out += `\n${name}\n${sentryJsonDumps(value)}`;
  return out;
}
