/**
 * Python sorts dict keys by code point; JS's default sort compares UTF-16 code units. The two orders differ only
 * when a key holds a char >= U+D800 (surrogates sort below U+E000..U+FFFF in UTF-16 but above them as code
 * points), so the default sort is kept and a code-point sort is applied only to those rare key sets.
 */
const AT_OR_ABOVE_SURROGATES = /[\ud800-\uffff]/;

export function sortKeysPython(keys: string[]): string[] {
  if (keys.length < 2) return keys;
  keys.sort();
  for (let i = 0; i < keys.length; i++) {
    if (AT_OR_ABOVE_SURROGATES.test(keys[i]!)) return keys.sort(compareCodePoints);
  }
  return keys;
}

/**
 * Compare as Python compares `str`: by code point; a lone surrogate counts as its own value 0xD800..0xDFFF.
 * Known limit: a Python str may hold a high and a low surrogate as two separate code points; JS cannot tell
 * that from the astral char they pair into, so it sorts as the astral char. Python's own JSON decoder also
 * merges them, so such keys do not survive a Python round trip either.
 */
export function compareCodePoints(a: string, b: string): number {
  const al = a.length;
  const bl = b.length;
  let i = 0;
  let j = 0;
  while (i < al && j < bl) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(j)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return al - i - (bl - j);
}
