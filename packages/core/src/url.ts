import type { NodeBackend } from "./backend.js";
import { InvalidArgumentError } from "./errors.js";

/** The environment a store URL may take secrets from (AWS_*, PG*, ...): `process.env` or a test's own map. */
export type StoreEnv = Readonly<Record<string, string | undefined>>;

/**
 * How a backend package opens a store named by URL (the `nodestore` CLI, config files). Each backend package
 * exports one as `storeUrl`. Secrets come from the URL's userinfo, the environment variables the backend's own
 * ecosystem uses, or the config file; they are never printed: errors quote `redactUrl(url)`.
 */
export interface StoreUrlHandler {
  /** URL schemes, without the colon, e.g. ["s3"]. */
  readonly schemes: readonly string[];
  /** One line for `--help`, e.g. "s3://bucket/prefix?endpoint=http://127.0.0.1:8333&region=us-east-1". */
  readonly example: string;
  /** The query parameters understood, each with one line of documentation. */
  readonly parameters: Readonly<Record<string, string>>;
  /**
   * The backend the URL names. `options` are extra backend options from a config file (merged over the URL's).
   * A bad URL throws `InvalidArgumentError` with a one-line reason that never quotes a secret.
   */
  open(url: URL, env: StoreEnv, options?: Readonly<Record<string, unknown>>): NodeBackend;
}

/** The URL with its password and secret-looking query parameters replaced by "***". */
export function redactUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = typeof url === "string" ? new URL(url) : new URL(url.href);
  } catch {
    return "<unparseable URL>";
  }
  if (parsed.password) parsed.password = "***";
  for (const key of [...parsed.searchParams.keys()]) {
    if (/secret|password|token|key$|credential|signature/i.test(key)) parsed.searchParams.set(key, "***");
  }
  return parsed.href;
}

/**
 * The query parameters of a store URL, refusing any the backend does not know (a typo would otherwise be
 * silently ignored) and any given twice.
 */
export function storeUrlParams(url: URL, handler: Pick<StoreUrlHandler, "parameters">): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    if (!Object.hasOwn(handler.parameters, key)) {
      const known = Object.keys(handler.parameters).join(", ") || "none";
      throw new InvalidArgumentError(`${redactUrl(url)}: unknown parameter "${key}" (known: ${known})`);
    }
    if (out.has(key)) throw new InvalidArgumentError(`${redactUrl(url)}: parameter "${key}" given twice`);
    out.set(key, value);
  }
  return out;
}

/** A URL parameter that must be a positive integer. */
export function urlInt(url: URL, params: Map<string, string>, key: string): number | undefined {
  const text = params.get(key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** A URL parameter that must be true/false (also 1/0, yes/no). */
export function urlBool(url: URL, params: Map<string, string>, key: string): boolean | undefined {
  const text = params.get(key);
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (["1", "true", "yes", "on"].includes(lower)) return true;
  if (["0", "false", "no", "off"].includes(lower)) return false;
  throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must be true or false, got "${text}"`);
}

/** `text` parsed as a URL, or an `InvalidArgumentError` saying what a store URL looks like. */
export function parseStoreUrl(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new InvalidArgumentError(
      `not a store URL: ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text).replace(/:\/\/[^@/]*@/, "://***@")} (expected e.g. postgres://…, s3://bucket/prefix, opensearch://host:9200, tablestore://instance, memory:)`,
    );
  }
}
