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
  directPut: "false = send PutObject through the AWS SDK's pipeline (default true with a custom endpoint)",
  cleanupPageSize: "objects per listing page in cleanup (default 1000)",
  ca: "PEM file of the CA(s) to trust for https, replacing Node's (Python ca_bundle_path; env AWS_CA_BUNDLE)",
  tlsVerify: "false = do not verify the certificate (Python skip_tls_verify; default true)",
  connectTimeoutMs: "time to connect, ms (default 5000)",
  requestTimeoutMs: "time to response headers and longest body silence, ms (default 30000)",
  retryAttempts: "retries after the first try (Python retry_attempts; default 3)",
  maxSockets: "sockets per host (default max(50, concurrency))",
  maxValueBytes: "largest decompressed node, bytes (default 64 MiB)",
  requestChecksumCalculation:
    "WHEN_REQUIRED or WHEN_SUPPORTED (default WHEN_REQUIRED: SeaweedFS rejects more)",
  responseChecksumValidation: "WHEN_REQUIRED or WHEN_SUPPORTED (default WHEN_REQUIRED)",
} as const;

const BOOLS = {
  forcePathStyle: "forcePathStyle",
  compression: "compression",
  sharding: "objectSharding",
  shardingFallback: "objectShardingFallback",
  createBucket: "createBucket",
  listingCleanup: "listingCleanup",
  directPut: "directPut",
} as const;
const CHECKSUMS = ["requestChecksumCalculation", "responseChecksumValidation"] as const;
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
  // Checked first: every other message quotes the URL, and redactUrl does not look inside parameter values.
  if (url.searchParams.getAll("endpoint").some((e) => /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(e))) {
    throw new InvalidArgumentError(
      "s3 store URL: the endpoint must not carry credentials (give them as s3://KEY:SECRET@bucket or AWS_* variables)",
    );
  }
  const params = storeUrlParams(url, storeUrl);
  const where = redactUrl(url);
  const bucketName = decode(url.hostname, `${where}: the bucket name is not valid percent-encoding`);
  if (bucketName === "") throw new InvalidArgumentError(`${where}: no bucket (s3://BUCKET/prefix)`);
  if (url.port)
    throw new InvalidArgumentError(`${where}: the host is the bucket; give the server as ?endpoint=`);
  const path = decode(url.pathname, `${where}: the prefix is not valid percent-encoding`).replace(
    /^\/+|\/+$/g,
    "",
  );
  const options: Record<string, unknown> = { bucketName, bucketPath: path === "" ? null : path };
  const ignoreEnvEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true";
  const endpoint =
    params.get("endpoint") ??
    (ignoreEnvEndpoints ? undefined : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined);
  if (endpoint !== undefined) {
    if (!/^https?:\/\/[^/]/.test(endpoint)) {
      throw new InvalidArgumentError(`${where}: endpoint must be an http:// or https:// URL`);
    }
    options.endpoint = endpoint;
  }
  const region = params.get("region") ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (region !== undefined && region !== "") options.region = region;
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
  for (const key of CHECKSUMS) {
    const value = params.get(key)?.toUpperCase();
    if (value === undefined) continue;
    if (value !== "WHEN_REQUIRED" && value !== "WHEN_SUPPORTED") {
      throw new InvalidArgumentError(`${where}: ${key} must be WHEN_REQUIRED or WHEN_SUPPORTED`);
    }
    options[key] = value;
  }
  const verify = urlBool(url, params, "tlsVerify");
  const ca = params.get("ca");
  if (verify === false) {
    if (ca !== undefined) throw new InvalidArgumentError(`${where}: give ca or tlsVerify=false, not both`);
    options.skipTlsVerify = true; // an explicit choice: AWS_CA_BUNDLE is then not read
  } else if (ca !== undefined || env.AWS_CA_BUNDLE) {
    options.caBundlePath = ca ?? env.AWS_CA_BUNDLE;
  }
  options.credentials = credentials(url, env, where);
  if (options.credentials === undefined) delete options.credentials;
  return options as unknown as S3BackendOptions;
}

/**
 * The URL's userinfo, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) from `env`, else
 * undefined: the AWS SDK's own chain (AWS_PROFILE, SSO, web identity, ECS, IMDS). Half a pair is refused
 * rather than left to the chain, which would silently try (and wait for) the next provider.
 */
function credentials(
  url: URL,
  env: StoreEnv,
  where: string,
): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  if (url.username || url.password) {
    const accessKeyId = decode(url.username, `${where}: the access key id is not valid percent-encoding`);
    const secretAccessKey = decode(url.password, `${where}: the secret key is not valid percent-encoding`);
    if (!accessKeyId || !secretAccessKey) {
      throw new InvalidArgumentError(`${where}: userinfo must be ACCESS_KEY_ID:SECRET_ACCESS_KEY (both)`);
    }
    return { accessKeyId, secretAccessKey };
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID || undefined;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY || undefined;
  if (accessKeyId === undefined && secretAccessKey === undefined) return undefined;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new InvalidArgumentError(
      `${where}: ${accessKeyId === undefined ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID" : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"}`,
    );
  }
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

/** Percent-decoding that fails as an `InvalidArgumentError` with `message` (which never quotes the text). */
function decode(text: string, message: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidArgumentError(message);
  }
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
