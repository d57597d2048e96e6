/** Option checks every backend shares, so a bad option fails at construction with the same wording. */

/** `value` when it is an integer ≥ 1; otherwise a RangeError naming the option. */
export function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
