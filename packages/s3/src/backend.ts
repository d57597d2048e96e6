import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  type LifecycleRule,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  BackendError,
  type CleanupOptions,
  type CleanupProgress,
  type CleanupResult,
  CorruptNodeError,
  chunks,
  type IdRules,
  mapLimit,
  type NodeBackend,
  type Ttl,
} from "@nodestore/core";
import { decodeBody, encodeBody } from "./body.js";
import { createS3Client, type S3ClientOptions } from "./client.js";
import { errorCode, isNoSuchKey, toTypedError, type Where } from "./errors.js";
import { checkBucketPath, type KeyLayout, keyProblem, keysFor, primaryKey } from "./keys.js";
import { planLifecycle } from "./lifecycle.js";

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
}

export interface S3CleanupOptions extends Omit<CleanupOptions, "onProgress"> {
  /** Resume a stopped run after this key (the `lastKey` of its last progress report). */
  readonly startAfter?: string;
  readonly onProgress?: (progress: S3CleanupProgress) => void;
}

export interface S3CleanupProgress extends CleanupProgress {
  /** Objects listed so far. */
  readonly scanned: number;
  /** Last key listed: pass it as `startAfter` to resume. */
  readonly lastKey: string | undefined;
}

export interface S3CleanupResult extends CleanupResult {
  readonly scanned: number;
}

export interface DeleteFailure {
  readonly key: string;
  readonly id: string | undefined;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** DeleteObjects answered 200 but could not delete some keys. Lists them; NoSuchKey is never one of them. */
export class S3DeleteError extends BackendError {
  readonly failures: readonly DeleteFailure[];
  constructor(backend: string, bucket: string, failures: readonly DeleteFailure[], total: number) {
    const shown = failures
      .slice(0, 10)
      .map((f) => `${JSON.stringify(f.key)} (${f.code ?? "error"}: ${f.message ?? ""})`)
      .join(", ");
    const more = failures.length > 10 ? `, and ${failures.length - 10} more` : "";
    super(
      backend,
      "delete",
      `${failures.length} of ${total} objects in bucket "${bucket}" were not deleted: ${shown}${more}`,
    );
    this.failures = failures;
  }
}

export interface LifecycleChange {
  /** False when the rule already had these Days (nothing was written). */
  readonly changed: boolean;
  readonly previousDays: number | undefined;
  readonly days: number;
}

const MAX_DELETE_KEYS = 1000;

/**
 * Sentry nodes as S3 objects, in getsentry/sentry-nodestore-s3's layout and encoding (see the README):
 * key `[bucketPath/](id | ab/cdef/rest)`, body zstd (flagged `Content-Encoding: zstd`) or raw.
 * TTL is accepted and ignored, as in Python: retention is the bucket's lifecycle rule.
 */
export class S3Backend implements NodeBackend {
  readonly name = "s3";
  readonly idRules: IdRules;
  readonly client: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  /** Present only with `listingCleanup: true`; otherwise core reports cleanup as not supported. */
  readonly cleanup?: (cutoff: Date, options?: S3CleanupOptions) => Promise<S3CleanupResult>;
  readonly #compress: boolean;
  readonly #ownsClient: boolean;
  readonly #concurrency: number;
  readonly #createBucket: boolean;
  readonly #lifecycleDays: number | undefined;
  readonly #pageSize: number;

  constructor(options: S3BackendOptions) {
    if (typeof options.bucketName !== "string" || options.bucketName === "") {
      throw new TypeError("S3Backend needs `bucketName`");
    }
    this.bucket = options.bucketName;
    this.layout = {
      bucketPath: checkBucketPath(options.bucketPath === undefined ? "nodestore" : options.bucketPath),
      sharding: options.objectSharding ?? false,
      shardingFallback: options.objectShardingFallback ?? false,
    };
    this.#compress = options.compression ?? true;
    this.#concurrency = positiveInt(options.concurrency ?? 16, "concurrency");
    this.#createBucket = options.createBucket ?? false;
    if (options.lifecycleDays !== undefined) positiveInt(options.lifecycleDays, "lifecycleDays");
    this.#lifecycleDays = options.lifecycleDays;
    this.#pageSize = positiveInt(options.cleanupPageSize ?? 1000, "cleanupPageSize");
    if (options.client !== undefined) {
      if (!(options.client instanceof S3Client)) throw new TypeError("`client` must be an S3Client");
      const clash = CLIENT_OPTION_NAMES.filter((k) => options[k] !== undefined);
      if (clash.length > 0) {
        throw new TypeError(`pass either \`client\` or client options, not both (got ${clash.join(", ")})`);
      }
      this.client = options.client;
      this.#ownsClient = false;
    } else {
      this.client = createS3Client(options, this.#concurrency);
      this.#ownsClient = true;
    }
    const layout = this.layout;
    this.idRules = { check: (id) => keyProblem(layout, id) };
    if (options.listingCleanup) this.cleanup = (cutoff, opts) => this.#cleanup(cutoff, opts);
  }

  /** The key `id` is written to. */
  keyFor(id: string): string {
    return primaryKey(this.layout, id);
  }

  async getBytes(id: string): Promise<Uint8Array | null> {
    for (const key of keysFor(this.layout, id)) {
      const bytes = await this.#read(id, key);
      if (bytes !== null) return bytes;
    }
    return null;
  }

  /** Parallel GETs, at most `concurrency` in flight (the Python plugin reads one id after another). */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null>> {
    const values = await mapLimit(ids, this.#concurrency, (id) => this.getBytes(id));
    return new Map(ids.map((id, i) => [id, values[i] ?? null] as const));
  }

  async setBytes(id: string, bytes: Uint8Array, _ttl?: Ttl): Promise<void> {
    const key = this.keyFor(id);
    const { body, contentEncoding } = encodeBody(bytes, this.#compress);
    await this.#send("write", { bucket: this.bucket, key, id }, (signal) =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ...(contentEncoding === undefined ? {} : { ContentEncoding: contentEncoding }),
        }),
        { abortSignal: signal },
      ),
    );
  }

  async setBytesMulti(
    entries: ReadonlyArray<readonly [id: string, bytes: Uint8Array]>,
    ttl?: Ttl,
  ): Promise<void> {
    await mapLimit(entries, this.#concurrency, ([id, bytes]) => this.setBytes(id, bytes, ttl));
  }

  /** Deletes the key (both keys with the sharding fallback). Missing objects (204 or NoSuchKey) are fine. */
  async delete(id: string): Promise<void> {
    for (const key of keysFor(this.layout, id)) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      } catch (error) {
        if (!isNoSuchKey(error))
          throw toTypedError(this.name, "delete", error, { bucket: this.bucket, key, id });
      }
    }
  }

  /** DeleteObjects, up to 1000 keys per request (the Python plugin sends one DeleteObject per id). */
  async deleteMulti(ids: readonly string[]): Promise<void> {
    const idOf = new Map<string, string>();
    for (const id of ids) for (const key of keysFor(this.layout, id)) idOf.set(key, id);
    await this.#deleteKeys([...idOf.keys()], idOf);
  }

  /**
   * Creates the bucket (with `createBucket: true`) and sets the lifecycle rule (with `lifecycleDays`).
   * Safe to call any number of times.
   */
  async bootstrap(): Promise<void> {
    if (this.#createBucket) await this.createBucket();
    if (this.#lifecycleDays !== undefined) await this.applyLifecycle(this.#lifecycleDays);
  }

  /** Creates the bucket unless it exists and is ours. */
  async createBucket(): Promise<void> {
    const where = { bucket: this.bucket };
    const region = await this.client.config.region();
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          ...(region && region !== "us-east-1" && region !== "auto"
            ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
            : {}),
        }),
      );
    } catch (error) {
      const code = errorCode(error);
      if (code === "BucketAlreadyOwnedByYou") return;
      if (code === "BucketAlreadyExists") {
        // Some servers (SeaweedFS among them) answer this for a bucket of the same account: fine if we can use it.
        try {
          await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
          return;
        } catch {
          throw new BackendError(
            this.name,
            "create bucket",
            `bucket "${this.bucket}" exists and belongs to someone else (or these credentials cannot reach it)`,
            { cause: error },
          );
        }
      }
      throw toTypedError(this.name, "create bucket", error, where);
    }
  }

  /**
   * Sets Days of the `Sentry-Nodestore-Rule` lifecycle rule (whole bucket), adding it if absent and keeping
   * every other rule; writes nothing when it is already right. Self-hosted's script sets it only when it
   * creates the bucket, so a changed SENTRY_EVENT_RETENTION_DAYS never reached the bucket (self-hosted#4028).
   */
  async applyLifecycle(days: number): Promise<LifecycleChange> {
    positiveInt(days, "lifecycle days");
    const where = { bucket: this.bucket };
    let existing: LifecycleRule[] = [];
    let minSize: string | undefined;
    try {
      const current = await this.client.send(
        new GetBucketLifecycleConfigurationCommand({ Bucket: this.bucket }),
      );
      existing = current.Rules ?? [];
      minSize = current.TransitionDefaultMinimumObjectSize;
    } catch (error) {
      if (errorCode(error) !== "NoSuchLifecycleConfiguration") {
        throw toTypedError(this.name, "read the lifecycle of", error, where);
      }
    }
    const plan = planLifecycle(existing, days);
    if (plan.rules === undefined) return { changed: false, previousDays: plan.previousDays, days };
    await this.#send("set the lifecycle of", where, () =>
      this.client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: this.bucket,
          LifecycleConfiguration: { Rules: plan.rules },
          ...(minSize === undefined ? {} : { TransitionDefaultMinimumObjectSize: minSize as never }),
        }),
      ),
    );
    return { changed: true, previousDays: plan.previousDays, days };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.client.destroy();
  }

  async #read(id: string, key: string): Promise<Uint8Array | null> {
    const where = { bucket: this.bucket, key, id };
    let body: Uint8Array;
    let encoding: string | undefined;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = response.Body === undefined ? new Uint8Array(0) : await response.Body.transformToByteArray();
      encoding = response.ContentEncoding;
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      throw toTypedError(this.name, "read", error, where);
    }
    try {
      return decodeBody(body, encoding);
    } catch (error) {
      if (!(error instanceof CorruptNodeError)) throw error;
      throw error.withContext(id, this.name, `object "${this.bucket}/${key}" (Content-Encoding zstd)`);
    }
  }

  async #deleteKeys(keys: readonly string[], idOf?: ReadonlyMap<string, string>): Promise<number> {
    const failures: DeleteFailure[] = [];
    await mapLimit(chunks(keys, MAX_DELETE_KEYS), Math.min(this.#concurrency, 4), async (batch) => {
      const out = await this.#send("delete", { bucket: this.bucket }, () =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      );
      for (const e of out.Errors ?? []) {
        if (e.Code === "NoSuchKey" || e.Key === undefined) continue;
        failures.push({ key: e.Key, id: idOf?.get(e.Key), code: e.Code, message: e.Message });
      }
    });
    if (failures.length > 0) throw new S3DeleteError(this.name, this.bucket, failures, keys.length);
    return keys.length;
  }

  async #cleanup(cutoff: Date, options: S3CleanupOptions = {}): Promise<S3CleanupResult> {
    const signal = options.signal;
    const prefix = this.layout.bucketPath === null ? undefined : `${this.layout.bucketPath}/`;
    let deleted = 0;
    let batches = 0;
    let scanned = 0;
    let lastKey = options.startAfter;
    const report = () => options.onProgress?.({ deleted, batches, scanned, lastKey });
    let more: boolean;
    do {
      signal?.throwIfAborted();
      const page = await this.#send(
        "list",
        { bucket: this.bucket },
        (abortSignal) =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              ...(prefix === undefined ? {} : { Prefix: prefix }),
              MaxKeys: this.#pageSize,
              // StartAfter rather than ContinuationToken: the same listing for an unversioned bucket without a
              // delimiter, resumable from a key, and it works where tokens do not (s3rver's need DES).
              ...(lastKey === undefined ? {} : { StartAfter: lastKey }),
            }),
            { abortSignal },
          ),
        signal,
      );
      const contents = page.Contents ?? [];
      scanned += contents.length;
      const old = contents
        .filter((o) => o.Key !== undefined && o.LastModified !== undefined && o.LastModified < cutoff)
        .map((o) => o.Key!);
      for (const batch of chunks(old, MAX_DELETE_KEYS)) {
        signal?.throwIfAborted();
        deleted += await this.#deleteKeys(batch);
        batches++;
      }
      const last = contents.at(-1)?.Key;
      if (last !== undefined) lastKey = last;
      more = page.IsTruncated === true && last !== undefined;
      report();
    } while (more);
    return { deleted, batches, scanned };
  }

  async #send<T>(
    operation: string,
    where: Where,
    call: (signal: AbortSignal | undefined) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    try {
      return await call(signal);
    } catch (error) {
      throw toTypedError(this.name, operation, error, where);
    }
  }
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

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
