import { InvalidArgumentError } from "@nodestore/core";

/**
 * The five environment variables sentry-opensearch-nodestore (1.1+) reads in its constructor, parsed by its rules
 * so one env file configures both implementations. Values are what Python would use; `undefined` = unset or
 * blank (Python then takes its default).
 */
export interface PythonEnvSettings {
  /** `SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS` (Python default 3). */
  readonly shards?: number;
  /** `SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA`, singular (Python default 1). */
  readonly replicas?: number;
  /** `SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN` (Python default `sentry-*`): exactly one pattern. */
  readonly indexPattern?: string;
  /** `SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC` (Python: blank means `zstd`). */
  readonly codec?: string;
  /** `SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX`, trimmed (Python: blank means no prefix). */
  readonly prefix?: string;
  /** Python's warnings (`index_pattern.missing_wildcard`), as text. */
  readonly warnings: readonly string[];
}

export const ENV = {
  shards: "SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS",
  replicas: "SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA",
  indexPattern: "SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN",
  codec: "SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC",
  prefix: "SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX",
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Python's `str.strip()` with no argument: whitespace as Python sees it (ASCII and Unicode spaces). */
const strip = (s: string): string => s.replace(/^[\s\u001c-\u001f\u0085]+|[\s\u001c-\u001f\u0085]+$/gu, "");

/**
 * Python's `int(text)` for a base-10 string: surrounding whitespace, a sign, ASCII digits with single
 * underscores between them (`3_0` is 30). Python also reads other Unicode decimal digits; those are refused
 * here. Returns undefined when Python would raise.
 */
export function pythonInt(text: string): number | undefined {
  const t = strip(text);
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ""));
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `_read_env_int`: unset or blank = default (undefined here); not an int = ValueError naming the variable. */
function readInt(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || strip(raw) === "") return undefined;
  const n = pythonInt(raw);
  if (n === undefined) {
    throw new InvalidArgumentError(`${name} must be an integer, got: ${pythonRepr(raw)}`);
  }
  return n;
}

/** `_parse_single_index_pattern_from_env`, with its error messages. */
function readPattern(env: Env): string | undefined {
  const name = ENV.indexPattern;
  const raw0 = env[name];
  if (raw0 === undefined || strip(raw0) === "") return undefined;
  const raw = strip(raw0);
  if (raw.startsWith("[")) {
    let arr: unknown;
    try {
      arr = JSON.parse(raw);
    } catch {
      throw new InvalidArgumentError(
        `${name} must be a single pattern string or a JSON array with one string`,
      );
    }
    if (!Array.isArray(arr) || arr.length === 0) {
      throw new InvalidArgumentError(`${name} must be a non-empty JSON array`);
    }
    if (arr.length !== 1) {
      throw new InvalidArgumentError(`${name} must contain exactly one pattern; got ${arr.length}`);
    }
    // Python takes str(item) of anything; a pattern that is not a string is refused here instead.
    if (typeof arr[0] !== "string") {
      throw new InvalidArgumentError(
        `${name} must be a single pattern string or a JSON array with one string`,
      );
    }
    const value = strip(arr[0]);
    if (value === "") throw new InvalidArgumentError(`${name} contains an empty pattern`);
    return value;
  }
  if (raw.includes(",")) {
    const parts = raw
      .split(",")
      .map(strip)
      .filter((p) => p !== "");
    if (parts.length !== 1) {
      throw new InvalidArgumentError(`${name} must contain exactly one pattern (no multiple values)`);
    }
    return parts[0];
  }
  return raw;
}

/** Reads the five variables from `env` (default `process.env`) with the plugin's rules. */
export function readPythonEnv(env: Env = process.env): PythonEnvSettings {
  const warnings: string[] = [];
  const indexPattern = readPattern(env);
  if (indexPattern !== undefined && !indexPattern.includes("*")) {
    warnings.push(
      `index_pattern.missing_wildcard: ${ENV.indexPattern}=${JSON.stringify(indexPattern)} has no "*": the template then matches one index name only`,
    );
  }
  const codec = env[ENV.codec] === undefined ? "" : strip(env[ENV.codec]!);
  const prefix = env[ENV.prefix] === undefined ? "" : strip(env[ENV.prefix]!);
  return {
    shards: readInt(env, ENV.shards),
    replicas: readInt(env, ENV.replicas),
    indexPattern,
    codec: codec === "" ? undefined : codec,
    prefix: prefix === "" ? undefined : prefix,
    warnings,
  };
}

/** Python's `repr()` of a str, as the plugin's message shows the value (`got: '3x'`). */
function pythonRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t")
    .replace(quote === "'" ? /'/g : /"/g, `\\${quote}`);
  return `${quote}${body}${quote}`;
}
