import type { S3BackendOptions } from "./options.js";

/** The keys of `SENTRY_NODESTORE_OPTIONS` for `sentry_nodestore_s3.S3PassthroughDjangoNodeStorage`. */
export interface SentryS3NodestoreOptions {
  readonly delete_through?: boolean;
  readonly write_through?: boolean;
  readonly read_through?: boolean;
  readonly compression?: boolean;
  readonly bucket_name?: string;
  readonly region_name?: string | null;
  readonly bucket_path?: string | null;
  readonly endpoint_url?: string | null;
  readonly retry_attempts?: number;
  readonly aws_access_key_id?: string | null;
  readonly aws_secret_access_key?: string | null;
  readonly signature_version?: string | null;
  readonly use_ssl?: boolean;
  readonly ca_bundle_path?: string | null;
  readonly skip_tls_verify?: boolean;
  readonly object_sharding?: boolean;
  readonly object_sharding_fallback?: boolean;
}

export interface TranslatedOptions {
  readonly s3: S3BackendOptions;
  readonly readThrough: boolean;
  readonly writeThrough: boolean;
  readonly deleteThrough: boolean;
}

const KNOWN = new Set<string>([
  "delete_through",
  "write_through",
  "read_through",
  "compression",
  "bucket_name",
  "region_name",
  "bucket_path",
  "endpoint_url",
  "retry_attempts",
  "aws_access_key_id",
  "aws_secret_access_key",
  "signature_version",
  "use_ssl",
  "ca_bundle_path",
  "skip_tls_verify",
  "object_sharding",
  "object_sharding_fallback",
]);

/**
 * Translates a Python `SENTRY_NODESTORE_OPTIONS` dict (parsed from JSON, say) with the Python plugin's
 * defaults: no `bucket_path` means no prefix (unlike this package's default "nodestore"), `ca_bundle_path`
 * defaults to the `DEFAULT_CA_BUNDLE` environment variable, compression on, 3 retries. Timeouts are ours
 * (5 s connect, 30 s request) instead of botocore's 60 s. `use_ssl` is ignored (the endpoint's scheme
 * decides, as in boto3 with `endpoint_url`); only SigV4 is supported.
 * Use with `s3PassthroughDjangoStore({ ...fromSentryOptions(opts), django })`.
 */
export function fromSentryOptions(
  options: SentryS3NodestoreOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): TranslatedOptions {
  const unknown = Object.keys(options).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0)
    throw new TypeError(`unknown SENTRY_NODESTORE_OPTIONS key(s): ${unknown.join(", ")}`);
  const o = options;
  if (!o.bucket_name) throw new TypeError("SENTRY_NODESTORE_OPTIONS needs bucket_name");
  const sig = o.signature_version ?? undefined;
  if (sig !== undefined && sig !== "s3v4" && sig !== "v4") {
    throw new TypeError(
      `signature_version ${JSON.stringify(sig)} is not supported: the AWS SDK v3 signs with SigV4 only`,
    );
  }
  const keyId = o.aws_access_key_id ?? undefined;
  const secret = o.aws_secret_access_key ?? undefined;
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new TypeError("give both aws_access_key_id and aws_secret_access_key, or neither");
  }
  const ca = o.ca_bundle_path || env.DEFAULT_CA_BUNDLE || undefined;
  const s3: S3BackendOptions = {
    bucketName: o.bucket_name,
    bucketPath: o.bucket_path ?? null,
    compression: Boolean(o.compression ?? true),
    retryAttempts: o.retry_attempts ?? 3,
    objectSharding: Boolean(o.object_sharding),
    objectShardingFallback: Boolean(o.object_sharding_fallback),
    ...(o.endpoint_url ? { endpoint: o.endpoint_url } : {}),
    ...(o.region_name ? { region: o.region_name } : {}),
    ...(keyId !== undefined && secret !== undefined
      ? { credentials: { accessKeyId: keyId, secretAccessKey: secret } }
      : {}),
    ...(ca ? { caBundlePath: ca } : { skipTlsVerify: Boolean(o.skip_tls_verify) }),
  };
  return {
    s3,
    readThrough: Boolean(o.read_through),
    writeThrough: Boolean(o.write_through),
    deleteThrough: Boolean(o.delete_through),
  };
}
