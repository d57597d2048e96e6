import {
  InvalidArgumentError,
  redactUrl,
  type StoreEnv,
  type StoreUrlHandler,
  storeUrlParams,
  urlBool,
  urlInt,
} from "@nodestore/core";
import { S3Backend } from "./backend.js";
import type { S3BackendOptions } from "./options.js";

/** Each parameter is the `S3BackendOptions` field of the same name unless said otherwise. */
const PARAMETERS = {
  endpoint:
    "S3-compatible endpoint, e.g. http://seaweedfs:8333 (Python endpoint_url; env AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)",
  region:
    "region (Python region_name; env AWS_REGION, AWS_DEFAULT_REGION; default us-east-1 with an endpoint)",
  forcePathStyle: "path-style URLs (default true with an endpoint, as boto3)",
  compression: "zstd when it helps (Python compression; default true)",
  sharding: "keys ab/cdef/<rest> (Python object_sharding; default false)",
  shardingFallback: "with sharding, also read/delete the flat key (Python object_sharding_fallback)",
  concurrency: "requests in flight per getMulti/setMulti (default 16)",
  createBucket: "bootstrap creates the bucket when missing (default false)",
  lifecycleDays: "bootstrap sets the Sentry-Nodestore-Rule expiration to this many days",
  listingCleanup: "offer cleanup by listing and deleting old objects (default false, as Python)",
  cleanupPageSize: "objects per listing page in cleanup (default 1000)",
  ca: "PEM file of the CA(s) to trust for https (Python ca_bundle_path)",
  tlsVerify: "false = do not verify the certificate (Python skip_tls_verify; default true)",
  connectTimeoutMs: "time to connect, ms (default 5000)",
  requestTimeoutMs: "time to response headers and longest body silence, ms (default 30000)",
  retryAttempts: "retries after the first try (Python retry_attempts; default 3)",
  maxSockets: "sockets per host (default max(50, concurrency))",
  maxValueBytes: "largest decompressed node, bytes (default 64 MiB)",
} as const;

const BOOLS = {
  forcePathStyle: "forcePathStyle",
  compression: "compression",
  sharding: "objectSharding",
  shardingFallback: "objectShardingFallback",
  createBucket: "createBucket",
  listingCleanup: "listingCleanup",
} as const;
const INTS = [
  "concurrency",
  "lifecycleDays",
  "cleanupPageSize",
  "connectTimeoutMs",
  "requestTimeoutMs",
  "maxSockets",
  "maxValueBytes",
] as const;

/**
 * `s3://[ACCESS_KEY:SECRET@]bucket[/prefix]?endpoint=…&region=…`. The path is the key prefix (Python
 * `bucket_path`); none = keys are the bare ids. Self-hosted Sentry: `s3://nodestore/nodestore?endpoint=…`.
 * Keys: the URL's userinfo, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) from `env`,
 * else the AWS SDK's own chain (profile, IMDS, …).
 */
export function optionsFromUrl(url: URL, env: StoreEnv): S3BackendOptions {
  const params = storeUrlParams(url, storeUrl);
  const where = redactUrl(url);
  const bucketName = decodeURIComponent(url.hostname);
  if (bucketName === "") throw new InvalidArgumentError(`${where}: no bucket (s3://BUCKET/prefix)`);
  if (url.port)
    throw new InvalidArgumentError(`${where}: the host is the bucket; give the server as ?endpoint=`);
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, "");
  const options: Record<string, unknown> = { bucketName, bucketPath: path === "" ? null : path };
  const endpoint = params.get("endpoint") ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) {
    if (!/^https?:\/\/[^/]/.test(endpoint)) {
      throw new InvalidArgumentError(`${where}: endpoint must be an http:// or https:// URL`);
    }
    options.endpoint = endpoint;
  }
  const region = params.get("region") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region !== undefined) options.region = region;
  for (const [param, option] of Object.entries(BOOLS)) {
    const value = urlBool(url, params, param);
    if (value !== undefined) options[option] = value;
  }
  for (const key of INTS) {
    const value = urlInt(url, params, key);
    if (value !== undefined) options[key] = value;
  }
  const retries = params.get("retryAttempts");
  if (retries !== undefined) {
    if (!/^\d+$/.test(retries))
      throw new InvalidArgumentError(`${where}: retryAttempts must be 0 or more, got "${retries}"`);
    options.retryAttempts = Number(retries);
  }
  const ca = params.get("ca");
  if (ca !== undefined) options.caBundlePath = ca;
  const verify = urlBool(url, params, "tlsVerify");
  if (verify === false) options.skipTlsVerify = true;
  const accessKeyId = url.username ? decodeURIComponent(url.username) : env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = url.username ? decodeURIComponent(url.password) : env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) {
    const sessionToken = url.username ? undefined : env.AWS_SESSION_TOKEN;
    options.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  } else if (url.username) {
    throw new InvalidArgumentError(`${where}: userinfo must be ACCESS_KEY_ID:SECRET_ACCESS_KEY`);
  }
  return options as unknown as S3BackendOptions;
}

/** `s3://` for the `nodestore` CLI and config files. */
export const storeUrl: StoreUrlHandler = {
  schemes: ["s3"],
  example: "s3://nodestore/nodestore?endpoint=http://seaweedfs:8333&region=us-east-1",
  parameters: PARAMETERS,
  open(url, env, extra) {
    const options = { ...optionsFromUrl(url, env), ...(extra as Partial<S3BackendOptions> | undefined) };
    try {
      return new S3Backend(options);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw error;
      throw new InvalidArgumentError(`${redactUrl(url)}: ${(error as Error).message.split("\n", 1)[0]}`);
    }
  },
};
