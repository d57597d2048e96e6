import {
  BackendError,
  BackendUnavailableError,
  CorruptNodeError,
  isNetworkError,
  NodestoreError,
} from "@nodestore/core";

/** What an AWS SDK v3 error looks like, as far as we read it. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; requestId?: string };
}

/** The object or list is absent: `null` on get, success on delete. */
export function isNoSuchKey(error: unknown): boolean {
  const e = error as SdkError | undefined;
  const name = e?.name ?? e?.Code;
  // Some servers answer a HEAD-like 404 without an XML body: the SDK then names it "NotFound".
  return name === "NoSuchKey" || (e?.$metadata?.httpStatusCode === 404 && name === "NotFound");
}

/**
 * The connection failed, was cut or went silent (refused, reset, "socket hang up", "aborted" mid-body, a
 * socket or request timeout): nothing the server said, so the same request may succeed later.
 */
export function isTransportFailure(error: unknown): boolean {
  const e = error as SdkError | undefined;
  if (e === undefined || e === null) return false;
  if (e.name === "TimeoutError" || isNetworkError(error)) return true;
  return /socket hang up|^aborted$|premature close/i.test(e.message ?? "");
}

/**
 * How a transport failure reads in a message: "timed out", or its code (ECONNRESET, ECONNREFUSED, …). The SDK
 * names a reset before the response "TimeoutError" too; its code tells them apart.
 */
export function transportFailure(error: unknown): string {
  const e = error as SdkError | undefined;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code === "ETIMEDOUT" || (e?.name === "TimeoutError" && code === undefined)) return "timed out";
  return code ?? "network error";
}

export function errorCode(error: unknown): string | undefined {
  const e = error as SdkError | undefined;
  return e?.Code ?? e?.name;
}

/** Server-side conditions that go away by themselves (after the SDK's own retries ran out). */
const TRANSIENT_CODES = new Set([
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestThrottled",
  "BandwidthLimitExceeded",
]);

const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

const HINTS: Record<string, string> = {
  NoSuchBucket: "create the bucket, or set `createBucket: true` and call bootstrap()",
  AccessDenied: "check the credentials and the bucket policy (see the IAM policy in the README)",
  InvalidAccessKeyId: "check the access key id",
  SignatureDoesNotMatch: "check the secret key, the region and `forcePathStyle`",
  AuthorizationHeaderMalformed: "check the region",
  PermanentRedirect: "the bucket is in another region, or the endpoint needs `forcePathStyle`",
  XAmzContentSHA256Mismatch: "a proxy altered the body, or the server does not support the SDK's checksums",
  InvalidRequest:
    "if the message mentions aws-chunked or checksums, keep the checksum options at WHEN_REQUIRED",
  NotImplemented: "this S3-compatible server does not implement the call",
  MissingContentMD5: "the server requires Content-MD5; do not pass a client of your own, or add it yourself",
};

export interface Where {
  readonly bucket: string;
  readonly key?: string;
  readonly id?: string;
}

/**
 * An SDK failure as one of core's typed errors. Messages name the bucket, key and S3 error code and never
 * carry credentials (the SDK's own messages hold none; we add no request headers).
 */
export function toTypedError(backend: string, operation: string, error: unknown, where: Where): Error {
  if (error instanceof NodestoreError) {
    if (error instanceof CorruptNodeError && where.id !== undefined) {
      return error.withContext(where.id, backend);
    }
    return error;
  }
  const e = (error ?? {}) as SdkError;
  if (e.name === "AbortError") return error as Error; // the caller's own AbortSignal: not a backend fault
  const place = where.key === undefined ? `bucket "${where.bucket}"` : `"${where.bucket}/${where.key}"`;
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const tries = attempts !== undefined && attempts > 1 ? `, after ${attempts} attempts` : "";
  const code = e.Code ?? e.name;
  const message = (e.message ?? String(error)).trim();

  if (e.code !== undefined && TLS_CODES.has(e.code)) {
    return new BackendError(
      backend,
      operation,
      `TLS verification failed (${e.code}: ${message}) on ${place}; set \`caBundlePath\` to your CA, or \`skipTlsVerify\``,
      { id: where.id, cause: error },
    );
  }
  if (status === undefined && isTransportFailure(error)) {
    return new BackendUnavailableError(
      backend,
      `${operation} ${place} ${transportFailure(error)}: ${message}${tries}`,
      error,
    );
  }
  const transientStatus = status !== undefined && ((status >= 500 && status !== 501) || status === 429);
  if (transientStatus || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return new BackendUnavailableError(
      backend,
      `${operation} ${place} failed with ${code ?? "an error"}${status === undefined ? "" : ` (HTTP ${status})`}${tries}: ${message}`,
      error,
    );
  }
  const hint = code === undefined ? undefined : HINTS[code];
  return new BackendError(
    backend,
    operation,
    `${code ?? "error"}${status === undefined ? "" : ` (HTTP ${status})`} on ${place}: ${message}${hint ? `; ${hint}` : ""}`,
    { id: where.id, cause: error },
  );
}

/** Where a backend's helpers send requests: the client, the bucket and the name errors carry. */
export interface S3Context {
  readonly name: string;
  readonly client: import("@aws-sdk/client-s3").S3Client;
  readonly bucket: string;
  readonly concurrency: number;
}

/** Runs one SDK call and turns its failure into a typed error naming `where`. */
export async function sendTyped<T>(
  ctx: S3Context,
  operation: string,
  where: Where,
  call: (signal: AbortSignal | undefined) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await call(signal);
  } catch (error) {
    throw toTypedError(ctx.name, operation, error, where);
  }
}
