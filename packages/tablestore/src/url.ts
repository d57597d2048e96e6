import {
  InvalidArgumentError,
  type NodeBackend,
  redactUrl,
  type StoreEnv,
  type StoreUrlHandler,
  storeUrlParams,
  urlBool,
  urlInt,
} from "@nodestore/core";
import { TablestoreBackend } from "./backend.js";
import type { TablestoreOptions } from "./options.js";

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

/** A parameter that must be an integer >= 0 (0 allowed, unlike `urlInt`). */
function urlCount(url: URL, params: Map<string, string>, key: string): number | undefined {
  const text = params.get(key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new InvalidArgumentError(`${redactUrl(url)}: ${key} must be an integer >= 0, got "${text}"`);
  }
  return Number(text);
}

function decode(url: URL, part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new InvalidArgumentError(`${redactUrl(url)}: the ${what} in the URL is not valid percent-encoding`);
  }
}

/**
 * The AccessKey: the URL's userinfo, else ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN),
 * else OTS_AK_ENV / OTS_SK_ENV (the Tablestore SDK documentation's names). A pair is taken from one place,
 * never half from each. Undefined when none is set (a config file may still give it).
 */
function credentials(url: URL, env: StoreEnv): Mutable<TablestoreOptions> | undefined {
  if (url.username !== "" || url.password !== "") {
    if (url.username === "" || url.password === "") {
      throw new InvalidArgumentError(
        `${redactUrl(url)}: the URL's userinfo must be ACCESS_KEY_ID:ACCESS_KEY_SECRET (percent-encoded)`,
      );
    }
    return {
      accessKeyId: decode(url, url.username, "AccessKey ID"),
      accessKeySecret: decode(url, url.password, "AccessKey secret"),
    };
  }
  const pairs = [
    ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"],
    ["OTS_AK_ENV", "OTS_SK_ENV", undefined],
  ] as const;
  for (const [idVar, secretVar, tokenVar] of pairs) {
    const id = env[idVar];
    const secret = env[secretVar];
    if (!id && !secret) continue;
    if (!id || !secret) {
      throw new InvalidArgumentError(
        `${redactUrl(url)}: ${id ? idVar : secretVar} is set but ${id ? secretVar : idVar} is not`,
      );
    }
    const token = tokenVar === undefined ? undefined : env[tokenVar];
    return { accessKeyId: id, accessKeySecret: secret, ...(token ? { stsToken: token } : {}) };
  }
  return undefined;
}

const COMPRESSION: Record<string, TablestoreOptions["compression"]> = {
  zstd: "zstd",
  zlib: "zlib",
  true: true,
  false: false,
  none: false,
};

/**
 * `tablestore://[ACCESS_KEY_ID:ACCESS_KEY_SECRET@]instance?endpoint=https://instance.region.ots.aliyuncs.com&…`:
 * the instance is the host, every other `TablestoreOptions` field a parameter of the same name.
 */
export const storeUrl: StoreUrlHandler = {
  schemes: ["tablestore"],
  example:
    "tablestore://sentry?endpoint=https://sentry.cn-hangzhou.ots.aliyuncs.com&table=nodestore&compression=zstd",
  parameters: {
    endpoint:
      "the instance's endpoint, http(s)://<instance>.<region>.ots.aliyuncs.com (Python end_point); required",
    table: "table name (Python table); default nodestore",
    compression:
      "zstd, zlib (= true), or false/none: how values are written (Python compression); default false",
    defaultTtl:
      "seconds: older values read as missing; with automaticExpiry, the table's TTL (Python default_ttl)",
    automaticExpiry: "true: bootstrap sets the table's time-to-live to defaultTtl (Python automatic_expiry)",
    reservedRead: "reserved read capacity units bootstrap sets (Python reserved_throughput); default 0",
    reservedWrite: "reserved write capacity units bootstrap sets (Python reserved_throughput); default 0",
    connectTimeoutMs: "ms to open a connection; default 5000",
    requestTimeoutMs: "ms for each request, start to end (Python socket_timeout); default 30000",
    retryAttempts: "retries after the first try on try-later answers and network failures; default 3",
    maxSockets: "sockets kept to the endpoint (Python max_connection); default 50",
    readBatchSize: "rows per BatchGetRow, at most 100; default 100",
    writeBatchSize: "rows per BatchWriteRow, at most 200; default 200",
    batchConcurrency: "batch requests in flight per call; default 4",
    maxValueBytes: "largest decompressed value in bytes; default 67108864 (64 MiB)",
  },

  open(url: URL, env: StoreEnv, options?: Readonly<Record<string, unknown>>): NodeBackend {
    const params = storeUrlParams(url, storeUrl);
    const where = redactUrl(url);
    if (url.hostname === "") {
      throw new InvalidArgumentError(
        `${where}: name the instance as the URL's host, e.g. tablestore://sentry?endpoint=https://sentry.cn-hangzhou.ots.aliyuncs.com`,
      );
    }
    if (url.port !== "") {
      throw new InvalidArgumentError(`${where}: the host is the instance name; put the port in endpoint=`);
    }
    if (url.pathname !== "" && url.pathname !== "/") {
      throw new InvalidArgumentError(`${where}: no path after the instance; name the table with table=`);
    }
    const fromUrl: Mutable<TablestoreOptions> = { instance: url.hostname, ...credentials(url, env) };
    const endpoint = params.get("endpoint");
    if (endpoint !== undefined) fromUrl.endpoint = endpoint;
    const table = params.get("table");
    if (table !== undefined) fromUrl.table = table;
    const compression = params.get("compression");
    if (compression !== undefined) {
      if (!Object.hasOwn(COMPRESSION, compression.toLowerCase())) {
        throw new InvalidArgumentError(
          `${where}: compression must be zstd, zlib, true, false or none, got "${compression}"`,
        );
      }
      fromUrl.compression = COMPRESSION[compression.toLowerCase()];
    }
    fromUrl.defaultTtl = urlInt(url, params, "defaultTtl");
    fromUrl.automaticExpiry = urlBool(url, params, "automaticExpiry");
    const read = urlCount(url, params, "reservedRead");
    const write = urlCount(url, params, "reservedWrite");
    if (read !== undefined || write !== undefined)
      fromUrl.reservedThroughput = { read: read ?? 0, write: write ?? 0 };
    fromUrl.connectTimeoutMs = urlInt(url, params, "connectTimeoutMs");
    fromUrl.requestTimeoutMs = urlInt(url, params, "requestTimeoutMs");
    fromUrl.retryAttempts = urlCount(url, params, "retryAttempts");
    fromUrl.maxSockets = urlInt(url, params, "maxSockets");
    fromUrl.readBatchSize = urlInt(url, params, "readBatchSize");
    fromUrl.writeBatchSize = urlInt(url, params, "writeBatchSize");
    fromUrl.batchConcurrency = urlInt(url, params, "batchConcurrency");
    fromUrl.maxValueBytes = urlInt(url, params, "maxValueBytes");

    const merged = Object.fromEntries(
      Object.entries({ ...fromUrl, ...options }).filter(([, v]) => v !== undefined),
    ) as Mutable<TablestoreOptions>;
    if (merged.endpoint === undefined) {
      throw new InvalidArgumentError(
        `${where}: endpoint= is required, e.g. endpoint=https://${url.hostname}.cn-hangzhou.ots.aliyuncs.com`,
      );
    }
    if (merged.accessKeyId === undefined || merged.accessKeySecret === undefined) {
      throw new InvalidArgumentError(
        `${where}: no AccessKey: give tablestore://ACCESS_KEY_ID:ACCESS_KEY_SECRET@${url.hostname}?…, or set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (or OTS_AK_ENV and OTS_SK_ENV)`,
      );
    }
    try {
      return new TablestoreBackend(merged as TablestoreOptions);
    } catch (error) {
      if (error instanceof InvalidArgumentError || error instanceof RangeError) {
        throw new InvalidArgumentError(`${where}: ${error.message}`);
      }
      throw error;
    }
  },
};
