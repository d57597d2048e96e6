import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_MAX_VALUE_BYTES, positiveInt } from "@nodestore/core";
import type { S3ClientOptions } from "./client.js";
import { checkBucketPath, type KeyLayout } from "./keys.js";

/** Options of `S3Backend`, named after the Python plugin's where they have a counterpart. */
export interface S3BackendOptions extends S3ClientOptions {
  /** The bucket (Python: `bucket_name`). */
  readonly bucketName: string;
  /**
   * Key prefix (Python: `bucket_path`). Default `"nodestore"`, what self-hosted configures; `null` = keys are
   * the bare ids. NB: the Python plugin's own default is None (no prefix): set `null` explicitly to read a
   * bucket written without `bucket_path`.
   */
  readonly bucketPath?: string | null;
  /** zstd when it is not longer than the raw bytes (Python: `compression`). Default true. */
  readonly compression?: boolean;
  /** Keys `ab/cdef/0123…` instead of `0123…` (Python: `object_sharding`). Default false. */
  readonly objectSharding?: boolean;
  /** With sharding, also read the flat key on a miss and delete both (Python: `object_sharding_fallback`). */
  readonly objectShardingFallback?: boolean;
  /**
   * Send PutObject as a signed request through the client's own handler, signer, credentials and retry strategy,
   * without the SDK's per-request pipeline (a third of the client CPU per PUT: see direct-put.ts). Applies to a
   * custom path-style `endpoint` with the client made here; AWS itself and a client you pass keep the SDK.
   * Default true.
   */
  readonly directPut?: boolean;
  /** A client you own (not destroyed by `close()`); then the client options above must be left out. */
  readonly client?: S3Client;
  /** Requests in flight in `getMulti` / `setMulti`, and bound for DeleteObjects batches (4 at most). Default 16. */
  readonly concurrency?: number;
  /** `bootstrap()` creates the bucket when it does not exist. Default false. */
  readonly createBucket?: boolean;
  /**
   * `bootstrap()` sets the bucket lifecycle rule `Sentry-Nodestore-Rule` (whole bucket, Expiration Days =
   * this), as self-hosted does, and updates Days when it changed. Other rules are kept. Default: not touched.
   */
  readonly lifecycleDays?: number;
  /**
   * Offer `cleanup(cutoff)` by listing the prefix and deleting objects whose LastModified is before the cutoff.
   * Default false, as the Python plugin (S3 retention is the bucket lifecycle rule): `cleanup()` is then not
   * supported. Lists the whole bucket when `bucketPath` is null.
   */
  readonly listingCleanup?: boolean;
  /** Objects per ListObjectsV2 page in `cleanup()`. Default 1000 (S3's maximum). */
  readonly cleanupPageSize?: number;
  /**
   * Largest node, in decompressed bytes. Writes above it are refused (`PayloadTooLargeError`) and a stored zstd
   * object that inflates past it is a `CorruptNodeError` naming the id, found as soon as decompression passes
   * it (a 22 kB object can inflate to 700 MB). Default core's `DEFAULT_MAX_VALUE_BYTES`, 64 MiB (Sentry's
   * nodes are a few MiB at most).
   */
  readonly maxValueBytes?: number;
}

/** The options with defaults applied and checked, client options aside. */
export interface ResolvedS3Options {
  readonly bucket: string;
  readonly layout: KeyLayout;
  readonly compress: boolean;
  readonly concurrency: number;
  readonly createBucket: boolean;
  readonly lifecycleDays: number | undefined;
  readonly listingCleanup: boolean;
  readonly pageSize: number;
  readonly maxValueBytes: number;
}

export function resolveS3Options(options: S3BackendOptions): ResolvedS3Options {
  if (typeof options.bucketName !== "string" || options.bucketName === "") {
    throw new TypeError("S3Backend needs `bucketName`");
  }
  if (options.client !== undefined) {
    const clash = CLIENT_OPTION_NAMES.filter((k) => options[k] !== undefined);
    if (clash.length > 0) {
      throw new TypeError(`pass either \`client\` or client options, not both (got ${clash.join(", ")})`);
    }
  }
  return {
    bucket: options.bucketName,
    layout: {
      bucketPath: checkBucketPath(options.bucketPath === undefined ? "nodestore" : options.bucketPath),
      sharding: options.objectSharding ?? false,
      shardingFallback: options.objectShardingFallback ?? false,
    },
    compress: options.compression ?? true,
    concurrency: positiveInt(options.concurrency ?? 16, "concurrency"),
    createBucket: options.createBucket ?? false,
    lifecycleDays:
      options.lifecycleDays === undefined ? undefined : positiveInt(options.lifecycleDays, "lifecycleDays"),
    listingCleanup: options.listingCleanup ?? false,
    pageSize: positiveInt(options.cleanupPageSize ?? 1000, "cleanupPageSize"),
    maxValueBytes: positiveInt(options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES, "maxValueBytes"),
  };
}

const CLIENT_OPTION_NAMES = [
  "endpoint",
  "region",
  "credentials",
  "retryAttempts",
  "forcePathStyle",
  "caBundlePath",
  "caBundle",
  "skipTlsVerify",
  "connectTimeoutMs",
  "requestTimeoutMs",
  "requestChecksumCalculation",
  "responseChecksumValidation",
  "maxSockets",
] as const satisfies ReadonlyArray<keyof S3ClientOptions>;
