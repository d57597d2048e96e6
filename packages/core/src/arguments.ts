import type { Ttl } from "./backend.js";
import { InvalidArgumentError, InvalidDataError } from "./errors.js";

/** Argument checks of the store's calls: a wrong kind of argument fails before any I/O, with what was expected. */

export function checkTtl(ttl: Ttl | undefined): void {
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)) {
    throw new InvalidDataError(`ttl is a positive number of seconds, got ${String(ttl)}`);
  }
}

/**
 * The iterable a batch call was given. A string is iterable too, but `getMulti("abc")` reading ids "a", "b" and
 * "c" (or `deleteMulti(id)` deleting one-letter ids) is never what the caller meant.
 */
export function listArgument<T>(iterable: Iterable<T>, call: string, name: string): Iterable<T> {
  const value: unknown = iterable;
  if (typeof value === "string") {
    throw new InvalidArgumentError(
      `${call}() takes a list of ${name}, got one string; wrap it: [${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}]`,
    );
  }
  if (
    value === null ||
    typeof value !== "object" ||
    typeof (value as Iterable<T>)[Symbol.iterator] !== "function"
  ) {
    throw new InvalidArgumentError(`${call}() takes an iterable of ${name}, got ${describe(value)}`);
  }
  return iterable;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}
