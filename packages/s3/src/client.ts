import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export type S3Credentials = NonNullable<S3ClientConfig["credentials"]>;
export type ChecksumSetting = "WHEN_REQUIRED" | "WHEN_SUPPORTED";

/** How to build the S3 client. All optional: the AWS SDK's defaults (environment, profile, IMDS) fill the rest. */
export interface S3ClientOptions {
  /** S3-compatible endpoint, e.g. `http://seaweedfs:8333` (Python: `endpoint_url`). Default: AWS. */
  readonly endpoint?: string;
  /** Default `us-east-1` when `endpoint` is set (SeaweedFS, MinIO), else the SDK's (AWS_REGION, profile). */
  readonly region?: string;
  /** Static keys or a provider (Python: `aws_access_key_id` / `aws_secret_access_key`). Default: the SDK chain. */
  readonly credentials?: S3Credentials;
  /**
   * Retries after the first try; boto3 counts `max_attempts` the same way, so the Python default 3 means up to
   * 4 requests. Mapped to the SDK's `maxAttempts = retryAttempts + 1`, with `S3RetryStrategy`: throttling, 5xx,
   * timeouts and network errors (also a body cut while it is read) are retried, retry n after 2^(n-1) × 100 ms
   * to twice that (throttling: × 500 ms), so an outage shorter than 700 ms is ridden out. Default 3.
   */
  readonly retryAttempts?: number;
  /** Path-style URLs (`endpoint/bucket/key`). Default: true when `endpoint` is set (what boto3 does), else false. */
  readonly forcePathStyle?: boolean;
  /** PEM file of the CA(s) to trust for HTTPS (Python: `ca_bundle_path`). Replaces Node's default CAs. */
  readonly caBundlePath?: string;
  /** PEM text of the CA(s) to trust, instead of a path. */
  readonly caBundle?: string | Buffer;
  /** Do not verify the server certificate (Python: `skip_tls_verify`). Default false: verification is on. */
  readonly skipTlsVerify?: boolean;
  /** Time to establish a TCP/TLS connection, ms. Default 5 000 (botocore: 60 000). */
  readonly connectTimeoutMs?: number;
  /**
   * Time from sending a request to its response headers, and the longest silence while reading a body, ms.
   * Default 30 000 (botocore's read timeout: 60 000). Nodestore writes block Sentry's ingestion: fail fast.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Flexible checksums. Default `WHEN_REQUIRED` for both: since SDK 3.729 the default (`WHEN_SUPPORTED`) sends
   * CRC32 trailers with `aws-chunked` uploads, which SeaweedFS and other S3-compatible servers reject
   * (getsentry/self-hosted#4144). Calls that require a checksum (DeleteObjects, PutBucketLifecycleConfiguration)
   * still send one, plus Content-MD5 for servers that only know that.
   */
  readonly requestChecksumCalculation?: ChecksumSetting;
  readonly responseChecksumValidation?: ChecksumSetting;
  /** Sockets per host. Default max(50, concurrency). */
  readonly maxSockets?: number;
}

const MD5_COMMANDS = new Set(["DeleteObjectsCommand", "PutBucketLifecycleConfigurationCommand"]);

export function createS3Client(options: S3ClientOptions, concurrency: number): S3Client {
  const retryAttempts = options.retryAttempts ?? 3;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0) {
    throw new RangeError(`retryAttempts is a count of retries >= 0, got ${retryAttempts}`);
  }
  const connectTimeoutMs = nonNegative(options.connectTimeoutMs ?? 5_000, "connectTimeoutMs");
  const requestTimeoutMs = nonNegative(options.requestTimeoutMs ?? 30_000, "requestTimeoutMs");
  const maxSockets = options.maxSockets ?? Math.max(50, concurrency);
  let ca: string | Buffer | undefined = options.caBundle;
  if (options.caBundlePath !== undefined) {
    try {
      ca = readFileSync(options.caBundlePath);
    } catch (cause) {
      throw new TypeError(`caBundlePath ${JSON.stringify(options.caBundlePath)} cannot be read`, { cause });
    }
  }
  const requestHandler = new NodeHttpHandler({
    connectionTimeout: connectTimeoutMs,
    requestTimeout: requestTimeoutMs,
    throwOnRequestTimeout: true,
    socketTimeout: requestTimeoutMs,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({
      keepAlive: true,
      maxSockets,
      ...(ca === undefined ? {} : { ca }),
      rejectUnauthorized: !options.skipTlsVerify,
    }),
  });
  const client = new S3Client({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    region: options.region ?? (options.endpoint === undefined ? undefined : "us-east-1"),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    maxAttempts: retryAttempts + 1,
    retryStrategy: new S3RetryStrategy(
      retryAttempts + 1,
      Math.max(500, RETRY_COST * retryAttempts * maxSockets),
    ),
    requestChecksumCalculation: options.requestChecksumCalculation ?? "WHEN_REQUIRED",
    responseChecksumValidation: options.responseChecksumValidation ?? "WHEN_REQUIRED",
    requestHandler,
  });
  addContentMd5(client);
  return client;
}

/**
 * DeleteObjects and PutBucketLifecycleConfiguration must carry an integrity header. The SDK sends a CRC32
 * header (aws-sdk-js-v3#6819 dropped Content-MD5); some S3-compatible servers only accept Content-MD5, so we
 * add it too. Both are valid together on AWS.
 */
export function addContentMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (
        MD5_COMMANDS.has(context.commandName ?? "") &&
        request.headers &&
        !hasHeader(request.headers, "content-md5")
      ) {
        const body = request.body;
        if (typeof body === "string" || body instanceof Uint8Array) {
          request.headers["content-md5"] = createHash("md5").update(body).digest("base64");
        }
      }
      return next(args);
    },
    { step: "build", name: "nodestoreContentMd5", override: true },
  );
}

type RetryStrategyV2 = Extract<
  NonNullable<S3ClientConfig["retryStrategy"]>,
  { refreshRetryTokenForRetry: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2["acquireInitialRetryToken"]>>;
type RetryErrorInfo = Parameters<RetryStrategyV2["refreshRetryTokenForRetry"]>[1];

/** Retry-quota tokens a retry of a network error or timeout takes (throttling: half), as in the SDK's. */
const RETRY_COST = 10;
/** The longest wait before one retry. */
export const MAX_RETRY_DELAY_MS = 20_000;

/**
 * How long to wait before retry number `retry` (1 = the first retry): between 2^(retry-1) × 100 ms and twice
 * that (throttling: × 500 ms), at most 20 s. The floor makes the retries of one request span at least 700 ms
 * with the default 3 retries (100 + 200 + 400), so a short network blip never exhausts them; the SDK's own
 * full-jitter schedule (0-50 ms, 0-100 ms, 0-200 ms) can use all of them within a few ms.
 */
export function retryDelayMs(retry: number, throttled: boolean, random: () => number = Math.random): number {
  const floor = Math.min(MAX_RETRY_DELAY_MS / 2, (throttled ? 500 : 100) * 2 ** (retry - 1));
  return Math.floor(floor * (1 + random()));
}

class S3RetryToken implements RetryToken {
  constructor(
    readonly retries: number,
    readonly delay: number,
    readonly cost: number,
  ) {}
  getRetryCount(): number {
    return this.retries;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * The AWS SDK's standard retry rules (which errors: throttling and transient ones, i.e. 429, 500, 502-504,
 * timeouts, connection errors; a retry quota that stops retrying when most requests fail, refilled by
 * successes), with two changes: the `retryDelayMs` schedule, and a quota that covers every socket retrying
 * fully (`10 × retries × maxSockets` tokens, at least the SDK's 500). With the SDK's own quota (500 tokens, 14
 * per retry) 16 GETs in flight used it up within ~150 ms of a network blip and every later failure was final.
 */
export class S3RetryStrategy implements RetryStrategyV2 {
  readonly mode = "standard";
  readonly #maxAttempts: number;
  readonly #quota: number;
  #left: number;

  constructor(maxAttempts: number, quota: number) {
    this.#maxAttempts = maxAttempts;
    this.#quota = quota;
    this.#left = quota;
  }

  /** Quota tokens left. */
  get capacity(): number {
    return this.#left;
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return new S3RetryToken(0, 0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    const throttled = info.errorType === "THROTTLING";
    const cost = throttled ? RETRY_COST / 2 : RETRY_COST;
    if ((!throttled && info.errorType !== "TRANSIENT") || retry >= this.#maxAttempts || this.#left < cost) {
      throw new Error("No retry token available");
    }
    this.#left -= cost;
    let delay = retryDelayMs(retry, throttled);
    if (info.retryAfterHint instanceof Date) {
      delay = Math.max(delay, Math.min(info.retryAfterHint.getTime() - Date.now(), delay + 5_000));
    }
    return new S3RetryToken(retry, delay, cost);
  }

  recordSuccess(token: RetryToken): void {
    const refund = token instanceof S3RetryToken && token.cost > 0 ? token.cost : 1;
    this.#left = Math.min(this.#quota, this.#left + refund);
  }
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}

function nonNegative(n: number, name: string): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${name} must be a number of ms >= 0, got ${n}`);
  return n;
}
