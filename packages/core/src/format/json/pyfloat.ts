/**
 * A number that Python holds as a `float` even though its value is integral (`1.0`, `1e+16`, `-0.0`).
 *
 * Why: a JS number cannot tell `1` from `1.0`, but Sentry's encoder writes them differently (`1` vs `1.0`).
 * Plain JS numbers that are integers are encoded as Python ints; wrap a number in `PyFloat` to have it encoded
 * with Python's float `repr` instead. The lossless parser returns `PyFloat` for every integral float literal.
 */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
    Object.freeze(this);
  }
  /** So `JSON.stringify` and arithmetic (`+f`) still see the number. */
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** `pyFloat(1)` encodes as `1.0`, `pyFloat(1e16)` as `1e+16`. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}
