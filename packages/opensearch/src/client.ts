import { readFileSync } from "node:fs";
import { InvalidArgumentError } from "@nodestore/core";
import { Client, type ClientOptions } from "@opensearch-project/opensearch";

/** How to reach the cluster when no `client` is passed. */
export interface OpenSearchClientOptions {
  /** Cluster URL(s), e.g. `https://opensearch:9200` (Python: the `es` client's hosts). */
  readonly node?: string | readonly string[];
  /**
   * Credentials: `{ username, password }` (HTTP basic, what the security plugin uses by default),
   * `{ apiKey }` (sent as `Authorization: ApiKey <key>`) or `{ bearerToken }` (`Authorization: Bearer …`).
   * Never written into an error message.
   */
  readonly auth?:
    | { readonly username: string; readonly password: string }
    | { readonly apiKey: string }
    | { readonly bearerToken: string };
  /** PEM file of the CA(s) to trust for HTTPS. */
  readonly caBundlePath?: string;
  /** PEM text of the CA(s) to trust, instead of a path. */
  readonly caBundle?: string | Buffer;
  /** Do not verify the server certificate. Default false: TLS verification is on. */
  readonly skipTlsVerify?: boolean;
  /**
   * Bound on each call (get, getMulti, set, setMulti, delete, deleteMulti), from sending to the last byte of the
   * answer, the client's own retries included, ms. Default 30 000. Nodestore writes block Sentry's ingestion:
   * fail fast.
   */
  readonly requestTimeoutMs?: number;
  /** The same bound for `bootstrap()` and `cleanup()` requests (index deletion, delete by query). Default 300 000. */
  readonly maintenanceTimeoutMs?: number;
  /**
   * Retries of the client (`maxRetries`) after a connection error or a 502/503/504, within `requestTimeoutMs`.
   * Default 3 (opensearch-py's default too). 429 is never retried by the client: it is a retryable error here.
   */
  readonly maxRetries?: number;
  /** Gzip request bodies (`compression: "gzip"`). Default false. */
  readonly compression?: boolean;
  /** Sockets per node. Default 64. */
  readonly maxSockets?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAINTENANCE_TIMEOUT_MS = 300_000;

/** Node's timers hold at most 2^31 - 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function timeoutMs(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new InvalidArgumentError(
      `${name} must be an integer number of ms in 1..${MAX_TIMER_MS}, got ${value}`,
    );
  }
  return value;
}

export const CLIENT_OPTION_NAMES = [
  "node",
  "auth",
  "caBundlePath",
  "caBundle",
  "skipTlsVerify",
  "maxRetries",
  "compression",
  "maxSockets",
] as const satisfies ReadonlyArray<keyof OpenSearchClientOptions>;

export function createOpenSearchClient(options: OpenSearchClientOptions): Client {
  const nodes =
    options.node === undefined ? [] : typeof options.node === "string" ? [options.node] : [...options.node];
  if (nodes.length === 0)
    throw new InvalidArgumentError("OpenSearchBackend needs `client` or `node` (the cluster URL)");
  for (const n of nodes) {
    let url: URL;
    try {
      url = new URL(n);
    } catch {
      throw new InvalidArgumentError("node is not a URL (expected http(s)://host:port)");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new InvalidArgumentError("node must start with http:// or https://");
    }
  }
  const maxRetries = options.maxRetries ?? 3;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new InvalidArgumentError(`maxRetries is a count of retries >= 0, got ${maxRetries}`);
  }
  let ca: string | Buffer | undefined = options.caBundle;
  if (options.caBundlePath !== undefined) {
    try {
      ca = readFileSync(options.caBundlePath);
    } catch (cause) {
      throw new InvalidArgumentError(
        `caBundlePath ${JSON.stringify(options.caBundlePath)} cannot be read (${(cause as Error).message})`,
      );
    }
  }
  const headers: Record<string, string> = {};
  let auth: ClientOptions["auth"];
  const a = options.auth;
  if (a !== undefined) {
    if ("username" in a) auth = { username: a.username, password: a.password };
    else if ("apiKey" in a) headers.authorization = `ApiKey ${a.apiKey}`;
    else if ("bearerToken" in a) headers.authorization = `Bearer ${a.bearerToken}`;
    else throw new InvalidArgumentError("auth must be { username, password }, { apiKey } or { bearerToken }");
  }
  return new Client({
    nodes,
    ...(auth === undefined ? {} : { auth }),
    headers,
    maxRetries,
    requestTimeout: timeoutMs(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs"),
    ...(options.compression ? { compression: "gzip" as const } : {}),
    ssl: { ...(ca === undefined ? {} : { ca }), rejectUnauthorized: !options.skipTlsVerify },
    agent: { keepAlive: true, maxSockets: options.maxSockets ?? 64 },
  });
}
