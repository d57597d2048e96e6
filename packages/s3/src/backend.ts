import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  BackendUnavailableError,
  CorruptNodeError,
  type IdRules,
  mapLimit,
  type NodeBackend,
  type ScanPage,
  type Ttl,
} from "@nodestore/core";
import { decodeBody, encodeBody } from "./body.js";
import { applyLifecycle, createBucket, type LifecycleChange } from "./bucket.js";
import { listingCleanup, type S3CleanupOptions, type S3CleanupResult } from "./cleanup.js";
import { createS3Client } from "./client.js";
import { deleteKeys } from "./delete.js";
import { DirectPut } from "./direct-put.js";
import {
  isNoSuchKey,
  isTransportFailure,
  type S3Context,
  sendTyped,
  toTypedError,
  transportFailure,
} from "./errors.js";
import { type KeyLayout, keyProblem, keysFor, primaryKey } from "./keys.js";
import { type ResolvedS3Options, resolveS3Options, type S3BackendOptions } from "./options.js";
import { listingScan, type S3ScanOptions } from "./scan.js";

/**
 * Sentry nodes as S3 objects, in getsentry/sentry-nodestore-s3's layout and encoding (see the README):
 * key `[bucketPath/](id | ab/cdef/rest)`, body zstd (flagged `Content-Encoding: zstd`) or raw.
 * TTL is accepted and ignored, as in Python: retention is the bucket's lifecycle rule.
 */
export class S3Backend implements NodeBackend {
  readonly name = "s3";
  readonly idRules: IdRules;
  /** Largest node in decompressed bytes: checked by core on write, and the bound of zstd decompression on read. */
  readonly maxValueBytes: number;
  readonly client: S3Client;
  readonly bucket: string;
  readonly layout: KeyLayout;
  /** Present only with `listingCleanup: true`; otherwise core reports cleanup as not supported. */
  readonly cleanup?: (cutoff: Date, options?: S3CleanupOptions) => Promise<S3CleanupResult>;
  readonly #options: ResolvedS3Options;
  readonly #ownsClient: boolean;
  readonly #ctx: S3Context;
  readonly #directPut: DirectPut | undefined;

  constructor(options: S3BackendOptions) {
    const resolved = resolveS3Options(options);
    if (options.client !== undefined && !(options.client instanceof S3Client)) {
      throw new TypeError("`client` must be an S3Client");
    }
    this.#options = resolved;
    this.bucket = resolved.bucket;
    this.maxValueBytes = resolved.maxValueBytes;
    this.layout = resolved.layout;
    this.#ownsClient = options.client === undefined;
    this.client = options.client ?? createS3Client(options, resolved.concurrency);
    const pathStyle = options.forcePathStyle ?? options.endpoint !== undefined;
    this.#directPut =
      options.client === undefined &&
      options.endpoint !== undefined &&
      pathStyle &&
      options.directPut !== false
        ? new DirectPut(this.client, options.endpoint)
        : undefined;
    this.#ctx = {
      name: this.name,
      client: this.client,
      bucket: this.bucket,
      concurrency: resolved.concurrency,
    };
    const layout = this.layout;
    this.idRules = { check: (id) => keyProblem(layout, id) };
    if (resolved.listingCleanup) {
      const prefix = layout.bucketPath === null ? undefined : `${layout.bucketPath}/`;
      this.cleanup = (cutoff, opts) => listingCleanup(this.#ctx, prefix, resolved.pageSize, cutoff, opts);
    }
  }

  /**
   * Every node under the prefix: one ListObjectsV2 request per page, in the server's listing order, cursor =
   * the last key listed (see scan.ts and the README's "Listing (scan)").
   */
  scan(options?: S3ScanOptions): AsyncIterable<ScanPage> {
    return listingScan(this.#ctx, this.layout, options);
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

  /**
   * Parallel GETs, at most `concurrency` in flight (the Python plugin reads one id after another). A damaged
   * object is its `CorruptNodeError` (naming the id and key) in the result, so the other nodes are served;
   * any other failure is thrown.
   */
  async getBytesMulti(ids: readonly string[]): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
    const values = await mapLimit(ids, this.#options.concurrency, (id) =>
      this.getBytes(id).catch((error: unknown) => {
        if (error instanceof CorruptNodeError) return error;
        throw error;
      }),
    );
    return new Map(ids.map((id, i) => [id, values[i] ?? null] as const));
  }

  async setBytes(id: string, bytes: Uint8Array, _ttl?: Ttl): Promise<void> {
    const key = this.keyFor(id);
    const { body, contentEncoding } = encodeBody(bytes, this.#options.compress);
    const direct = this.#directPut;
    await sendTyped<unknown>(this.#ctx, "write", { bucket: this.bucket, key, id }, (signal) =>
      direct !== undefined
        ? direct.put({
            bucket: this.bucket,
            key,
            body,
            ...(contentEncoding === undefined ? {} : { contentEncoding }),
            ...(signal === undefined ? {} : { signal }),
          })
        : this.client.send(
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
    await mapLimit(entries, this.#options.concurrency, ([id, bytes]) => this.setBytes(id, bytes, ttl));
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
    await deleteKeys(this.#ctx, [...idOf.keys()], idOf);
  }

  /**
   * Creates the bucket (with `createBucket: true`) and sets the lifecycle rule (with `lifecycleDays`).
   * Safe to call any number of times.
   */
  async bootstrap(): Promise<void> {
    if (this.#options.createBucket) await this.createBucket();
    if (this.#options.lifecycleDays !== undefined) await this.applyLifecycle(this.#options.lifecycleDays);
  }

  /** Creates the bucket unless it exists and is ours. */
  createBucket(): Promise<void> {
    return createBucket(this.#ctx);
  }

  /** Sets Days of the `Sentry-Nodestore-Rule` lifecycle rule, keeping other rules (see bucket.ts). */
  applyLifecycle(days: number): Promise<LifecycleChange> {
    return applyLifecycle(this.#ctx, days);
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.client.destroy();
  }

  /**
   * One GET and its body. The body is read inside the SDK's retry loop (a middleware of this command), so a
   * body cut or stalled after the response headers (connection reset, socket timeout) is retried like a failure
   * before them: the whole GET again, within the same `retryAttempts` and time bound.
   */
  async #read(id: string, key: string): Promise<Uint8Array | null> {
    const where = { bucket: this.bucket, key, id };
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    let body: Uint8Array | undefined;
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const stream = (result.output as GetObjectCommandOutput).Body;
        try {
          body = stream === undefined ? new Uint8Array(0) : await stream.transformToByteArray();
        } catch (error) {
          if (error !== null && typeof error === "object") bodyErrors.add(error);
          throw error;
        }
        return result;
      },
      { step: "deserialize", priority: "high", name: "nodestoreReadBody" },
    );
    let encoding: string | undefined;
    try {
      encoding = (await this.client.send(command)).ContentEncoding;
    } catch (error) {
      if (isNoSuchKey(error)) return null;
      if (bodyErrors.has(error as object) && isTransportFailure(error)) {
        const e = error as { message?: string; $metadata?: { attempts?: number } };
        const attempts = e.$metadata?.attempts ?? 1;
        throw new BackendUnavailableError(
          this.name,
          `read "${this.bucket}/${key}" ${transportFailure(error)} while receiving the body: ${e.message ?? String(error)}` +
            `, after ${attempts} attempt${attempts === 1 ? "" : "s"}`,
          error,
        );
      }
      throw toTypedError(this.name, "read", error, where);
    }
    try {
      return decodeBody(body ?? new Uint8Array(0), encoding, this.maxValueBytes);
    } catch (error) {
      if (!(error instanceof CorruptNodeError)) throw error;
      throw error.withContext(id, this.name, `object "${this.bucket}/${key}" (Content-Encoding zstd)`);
    }
  }
}

/** Failures of reading a response body (after its headers), to name them as such. */
const bodyErrors = new WeakSet<object>();
