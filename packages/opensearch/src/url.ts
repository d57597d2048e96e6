import {
  InvalidArgumentError,
  redactUrl,
  type StoreEnv,
  type StoreUrlHandler,
  storeUrlParams,
  urlBool,
  urlInt,
} from "@nodestore/core";
import { OpenSearchBackend } from "./backend.js";
import { CLIENT_OPTION_NAMES } from "./client.js";
import type { OpenSearchBackendOptions } from "./options.js";

/** The port a URL without one means: OpenSearch's, not HTTP's. */
export const DEFAULT_PORT = 9200;

const PARAMETERS = {
  alias: "alias every daily index joins and reads go through (Python alias_name; default sentry)",
  template: "composable index template bootstrap creates (Python template_name; default sentry)",
  index:
    "daily index pattern with {date} once, {prefix} optional (Python index; default sentry-{prefix}-{date})",
  prefix: "index prefix: sentry-<prefix>-{date} (env SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX)",
  indexPattern:
    "the template's index_patterns (env SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN; default sentry-*)",
  shards: "template number_of_shards (env SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS; default 3)",
  replicas:
    "template number_of_replicas, 0 allowed (env SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA; default 1)",
  codec:
    "template index.codec (env SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC; default zstd, else best_compression)",
  refresh: "writes wait for a refresh: true, false or wait_for (Python refresh; default false)",
  overwriteTemplate: "bootstrap replaces an existing template that differs from ours (default false)",
  cleanupPrecision:
    "cleanup drops whole days (day, default) or also deletes older documents of the boundary day (exact)",
  nodes: "more cluster nodes, comma-separated host[:port], same scheme and credentials as the URL's host",
  ca: "PEM file of the CA(s) to trust (opensearchs only; Python ca_certs)",
  tlsVerify: "verify the server certificate (opensearchs only; default true; Python verify_certs)",
  requestTimeoutMs: "bound on each call in total, retries included, ms (default 30000)",
  maintenanceTimeoutMs: "the same for bootstrap, cleanup and the refresh before a scan, ms (default 300000)",
  maxRetries: "client retries after a connection error or 502/503/504, 0 allowed (default 3)",
  compression: "gzip request bodies (default false; Python http_compress)",
  maxSockets: "sockets per node (default 64)",
  bulkMaxBytes: "bytes of JSON per _bulk request (default 52428800)",
  mgetMaxDocs: "(id, index) pairs per _mget (default 10000)",
  indexListTtlMs: "how long the alias's index list is reused, ms, 0 allowed (default 60000)",
  maxValueBytes: "largest decompressed value in bytes (default 67108864)",
} as const;

/** A parameter that is an integer >= 0. */
function urlCount(url: URL, params: Map<string, string>, key: string): number | undefined {
  const text = params.get(key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must be an integer >= 0, got "${text}"`);
  }
  return Number(text);
}

function oneOf<T extends string>(
  url: URL,
  params: Map<string, string>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const text = params.get(key);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must be ${allowed.join(", ")}, got "${text}"`);
  }
  return text as T;
}

function decode(url: URL, part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidArgumentError(`${redactUrl(url)}: the ${what} is not valid percent-encoding`);
  }
}

/**
 * The backend options a store URL names (without opening anything): what `storeUrl.open` passes to
 * `OpenSearchBackend`, before the config file's options are merged over it.
 */
export function optionsFromUrl(url: URL, env: StoreEnv): OpenSearchBackendOptions {
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "opensearch" && scheme !== "opensearchs") {
    throw new InvalidArgumentError(`${redactUrl(url)}: not an opensearch:// or opensearchs:// URL`);
  }
  const params = storeUrlParams(url, storeUrl);
  const tls = scheme === "opensearchs";
  const http = tls ? "https" : "http";
  if (url.hostname === "") {
    throw new InvalidArgumentError(`${redactUrl(url)}: no host (expected ${scheme}://host:9200)`);
  }
  if (url.pathname !== "" && url.pathname !== "/") {
    throw new InvalidArgumentError(
      `${redactUrl(url)}: a path is not used (name the alias with ?alias=, the index pattern with ?index=)`,
    );
  }
  if (url.hash !== "") throw new InvalidArgumentError(`${redactUrl(url)}: a #fragment is not used`);
  const nodes = [`${http}://${url.hostname}:${url.port || DEFAULT_PORT}`];
  for (const extra of (params.get("nodes") ?? "").split(",")) {
    const hostPort = extra.trim();
    if (hostPort === "") continue;
    let parsed: URL | undefined;
    try {
      // Parsed under our own scheme, which has no default port to drop (http://h:80 would lose its :80).
      parsed = /^[^/?#@\s]+$/.test(hostPort) ? new URL(`${scheme}://${hostPort}`) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.hostname === "" || !["", "/"].includes(parsed.pathname)) {
      throw new InvalidArgumentError(`${redactUrl(url)}: nodes must be host[:port] items, got "${hostPort}"`);
    }
    nodes.push(`${http}://${parsed.hostname}:${parsed.port || DEFAULT_PORT}`);
  }

  // Credentials: the URL's userinfo, else OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD (each part on its own).
  const blank = (s: string | undefined) => (s === undefined || s === "" ? undefined : s);
  const username =
    blank(url.username === "" ? undefined : decode(url, url.username, "user name")) ??
    blank(env.OPENSEARCH_USERNAME);
  const password =
    blank(url.password === "" ? undefined : decode(url, url.password, "password")) ??
    blank(env.OPENSEARCH_PASSWORD);
  if (username === undefined && password !== undefined) {
    throw new InvalidArgumentError(
      `${redactUrl(url)}: a password but no user name (put it in the URL, user:password@host, or OPENSEARCH_USERNAME)`,
    );
  }
  if (username !== undefined && password === undefined) {
    throw new InvalidArgumentError(
      `${redactUrl(url)}: user "${username}" has no password (put it in the URL or in OPENSEARCH_PASSWORD)`,
    );
  }

  const ca = params.get("ca");
  const tlsVerify = urlBool(url, params, "tlsVerify");
  if (!tls && (ca !== undefined || tlsVerify !== undefined)) {
    throw new InvalidArgumentError(
      `${redactUrl(url)}: ${ca !== undefined ? "ca" : "tlsVerify"} only applies to opensearchs:// (HTTPS)`,
    );
  }
  if (ca === "") throw new InvalidArgumentError(`${redactUrl(url)}: ca must be a file path`);
  const refreshText = oneOf(url, params, "refresh", ["true", "false", "wait_for"] as const);
  const text = (key: string): string | undefined => {
    const value = params.get(key);
    if (value === "") throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must not be empty`);
    return value;
  };

  const options: Record<string, unknown> = {
    node: nodes.length === 1 ? nodes[0] : nodes,
    auth: username === undefined ? undefined : { username, password: password! },
    aliasName: text("alias"),
    templateName: text("template"),
    index: text("index"),
    indexPrefix: text("prefix"),
    indexPattern: text("indexPattern"),
    shards: urlInt(url, params, "shards"),
    replicas: urlCount(url, params, "replicas"),
    codec: text("codec"),
    refresh:
      refreshText === undefined
        ? undefined
        : refreshText === "wait_for"
          ? "wait_for"
          : refreshText === "true",
    overwriteTemplate: urlBool(url, params, "overwriteTemplate"),
    cleanupPrecision: oneOf(url, params, "cleanupPrecision", ["day", "exact"] as const),
    caBundlePath: ca,
    skipTlsVerify: tlsVerify === undefined ? undefined : !tlsVerify,
    requestTimeoutMs: urlInt(url, params, "requestTimeoutMs"),
    maintenanceTimeoutMs: urlInt(url, params, "maintenanceTimeoutMs"),
    maxRetries: urlCount(url, params, "maxRetries"),
    compression: urlBool(url, params, "compression"),
    maxSockets: urlInt(url, params, "maxSockets"),
    bulkMaxBytes: urlInt(url, params, "bulkMaxBytes"),
    mgetMaxDocs: urlInt(url, params, "mgetMaxDocs"),
    indexListTtlMs: urlCount(url, params, "indexListTtlMs"),
    maxValueBytes: urlInt(url, params, "maxValueBytes"),
    // The plugin's five SENTRY_NODESTORE_OPENSEARCH_* variables, read by the backend (src/env.ts): the
    // parameters above win over them.
    env,
  };
  for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
  return options as OpenSearchBackendOptions;
}

/**
 * `opensearch://[user:password@]host[:9200][?alias=…&prefix=…]` (HTTP) and `opensearchs://…` (HTTPS, certificate
 * verified unless `tlsVerify=false`). Credentials from the URL, else `OPENSEARCH_USERNAME` / `OPENSEARCH_PASSWORD`;
 * template settings from the parameters, else the plugin's `SENTRY_NODESTORE_OPENSEARCH_*` variables.
 */
export const storeUrl: StoreUrlHandler = {
  schemes: ["opensearch", "opensearchs"],
  example: "opensearchs://sentry@opensearch:9200?alias=sentry&prefix=prod&ca=/etc/ssl/opensearch-ca.pem",
  parameters: PARAMETERS,
  open(url, env, options) {
    const fromUrl = optionsFromUrl(url, env);
    const merged = { ...fromUrl, ...(options ?? {}) } as OpenSearchBackendOptions;
    // A config file's own `client` replaces the URL's connection.
    if (options?.client !== undefined) {
      for (const key of CLIENT_OPTION_NAMES) {
        if (!Object.hasOwn(options, key)) delete (merged as Record<string, unknown>)[key];
      }
    }
    try {
      return new OpenSearchBackend(merged);
    } catch (error) {
      if (error instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`${redactUrl(url)}: ${error.message}`);
      }
      throw error;
    }
  },
};
