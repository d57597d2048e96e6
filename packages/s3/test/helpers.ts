import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createZstdCompress } from "node:zlib";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { serviceEnv } from "@nodestore/services";
import { S3Backend, type S3BackendOptions, type S3ClientOptions } from "../src/index.js";

export interface S3Target {
  /** "SeaweedFS", "s3rver", "MinIO", … */
  readonly label: string;
  /** The server is known to implement bucket lifecycle rules: the lifecycle test must not take the NotImplemented path. */
  readonly lifecycle?: boolean;
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * The S3 servers the integration tests run on: the main one (`pnpm services env`: SeaweedFS), s3rver
 * (NODESTORE_S3_EMBEDDED_ENDPOINT, credentials S3RVER/S3RVER) and MinIO (NODESTORE_S3_MINIO_*), whichever are
 * configured (all three under NODESTORE_REQUIRE_SERVICES=1).
 */
export function s3Targets(): S3Target[] {
  const targets: S3Target[] = [];
  const main = serviceEnv("S3", [
    "NODESTORE_S3_ENDPOINT",
    "NODESTORE_S3_ACCESS_KEY",
    "NODESTORE_S3_SECRET_KEY",
    "NODESTORE_S3_REGION",
  ]);
  if (main) {
    const kind = process.env.NODESTORE_S3_KIND ?? "seaweedfs";
    targets.push({
      label: kind === "seaweedfs" ? "SeaweedFS" : kind,
      endpoint: main.NODESTORE_S3_ENDPOINT,
      region: main.NODESTORE_S3_REGION,
      accessKeyId: main.NODESTORE_S3_ACCESS_KEY,
      secretAccessKey: main.NODESTORE_S3_SECRET_KEY,
    });
  }
  const embedded = process.env.NODESTORE_S3_EMBEDDED_ENDPOINT;
  if (embedded && embedded !== main?.NODESTORE_S3_ENDPOINT) {
    targets.push({
      label: "s3rver",
      endpoint: embedded,
      region: "us-east-1",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    });
  } else if (process.env.NODESTORE_REQUIRE_SERVICES === "1" && !embedded) {
    throw new Error("NODESTORE_REQUIRE_SERVICES=1 but NODESTORE_S3_EMBEDDED_ENDPOINT is not set");
  } else if (!embedded) {
    console.warn("[skip] s3rver: NODESTORE_S3_EMBEDDED_ENDPOINT not set");
  }
  const minio = serviceEnv("S3 (MinIO)", [
    "NODESTORE_S3_MINIO_ENDPOINT",
    "NODESTORE_S3_MINIO_ACCESS_KEY",
    "NODESTORE_S3_MINIO_SECRET_KEY",
  ]);
  if (minio) {
    targets.push({
      label: "MinIO",
      endpoint: minio.NODESTORE_S3_MINIO_ENDPOINT,
      region: "us-east-1",
      accessKeyId: minio.NODESTORE_S3_MINIO_ACCESS_KEY,
      secretAccessKey: minio.NODESTORE_S3_MINIO_SECRET_KEY,
      lifecycle: true,
    });
  }
  // Optional, never required: any other S3-compatible server (MinIO, moto, R2, a newer SeaweedFS), e.g. to
  // exercise lifecycle rules, which neither s3rver nor SeaweedFS 3.39 implement.
  const extra = process.env.NODESTORE_S3_EXTRA_ENDPOINT;
  if (extra) {
    targets.push({
      label: process.env.NODESTORE_S3_EXTRA_KIND ?? "extra",
      endpoint: extra,
      region: process.env.NODESTORE_S3_EXTRA_REGION ?? "us-east-1",
      accessKeyId: process.env.NODESTORE_S3_EXTRA_ACCESS_KEY ?? "testing",
      secretAccessKey: process.env.NODESTORE_S3_EXTRA_SECRET_KEY ?? "testing",
    });
  }
  return targets;
}

export function clientOptions(target: S3Target): S3ClientOptions {
  return {
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
  };
}

/** A plain SDK client for looking at what the backend wrote, with the same checksum defaults. */
export function rawClient(target: S3Target): S3Client {
  return new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

export const runId = (): string => randomUUID().replace(/-/g, "").slice(0, 10);

/** A bucket of its own per test file and run, emptied and removed at the end. */
export async function scratchBucket(
  target: S3Target,
): Promise<{ bucket: string; client: S3Client; drop(): Promise<void> }> {
  const client = rawClient(target);
  const bucket = `nstest-${runId()}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    bucket,
    client,
    async drop() {
      await emptyBucket(client, bucket);
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
      client.destroy();
    },
  };
}

export async function listObjects(
  client: S3Client,
  bucket: string,
  prefix?: string,
): Promise<Array<{ key: string; lastModified: Date }>> {
  const out: Array<{ key: string; lastModified: Date }> = [];
  let after: string | undefined;
  let more = true;
  while (more) {
    // StartAfter, not ContinuationToken: s3rver's tokens need DES, which OpenSSL 3 no longer has.
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: after }),
    );
    for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, lastModified: o.LastModified! });
    after = page.Contents?.at(-1)?.Key;
    more = page.IsTruncated === true && after !== undefined;
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function listKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  return (await listObjects(client, bucket, prefix)).map((o) => o.key);
}

export async function emptyBucket(client: S3Client, bucket: string): Promise<void> {
  const keys = await listKeys(client, bucket);
  for (let i = 0; i < keys.length; i += 1000) {
    await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }),
    );
  }
}

/**
 * Counts what a client sends, by command: `"requests"` = calls (one per command, whatever the retries),
 * `"attempts"` = HTTP requests on the wire (every retry too: this middleware runs inside the retry loop).
 */
export function countRequests(
  client: S3Client,
  what: "requests" | "attempts" = "requests",
): { counts: Map<string, number>; total(): number; reset(): void } {
  const counts = new Map<string, number>();
  const count = (name = "?") => counts.set(name, (counts.get(name) ?? 0) + 1);
  if (what === "requests") {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        count(context.commandName);
        return next(args);
      },
      { step: "initialize", priority: "high", name: "nodestoreTestRequests" },
    );
  } else {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        count(context.commandName);
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "nodestoreTestAttempts" },
    );
  }
  // A direct PUT (src/direct-put.ts) skips the middleware but not the client's request handler: counted there,
  // once per attempt, so "no request was sent" still covers writes. It is the only PUT of an object key without
  // a query (the SDK's PutObject carries ?x-id=PutObject; CreateBucket has no key; lifecycle has ?lifecycle).
  const handler = client.config.requestHandler as unknown as {
    handle(request: { method: string; path: string; query?: object }, options?: unknown): Promise<unknown>;
  };
  const handle = handler.handle.bind(handler);
  handler.handle = (request, options) => {
    const direct =
      request.method === "PUT" &&
      Object.keys(request.query ?? {}).length === 0 &&
      /^\/[^/]+\/./.test(request.path);
    if (direct) count("PutObjectCommand (direct)");
    return handle(request, options);
  };
  return {
    counts,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
  };
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** Hex of bytes (null stays null; an error, e.g. getBytesMulti's CorruptNodeError, shows as its message). */
export const hex = (b: Uint8Array | Error | null): string | null =>
  b === null ? null : b instanceof Error ? `${b.name}: ${b.message}` : Buffer.from(b).toString("hex");

/**
 * s3rver writes an object in place (truncate, then stream), so two PUTs of one key at once interleave into a
 * mixed file, and a GET during a PUT can see a partial one. Real servers (AWS, SeaweedFS, MinIO) replace
 * objects atomically. On s3rver only, the tests queue writes per id so the conformance suite's
 * "concurrent writes to one id" checks our code, not s3rver's file handling.
 */
export class S3rverSafeBackend extends S3Backend {
  readonly #tails = new Map<string, Promise<unknown>>();
  override setBytes(id: string, bytes: Uint8Array, ttl?: number): Promise<void> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => super.setBytes(id, bytes, ttl));
    this.#tails.set(id, next);
    void next
      .finally(() => {
        if (this.#tails.get(id) === next) this.#tails.delete(id);
      })
      .catch(() => {});
    return next;
  }
}

export function backendFor(target: S3Target, options: S3BackendOptions): S3Backend {
  return target.label === "s3rver" ? new S3rverSafeBackend(options) : new S3Backend(options);
}

/**
 * The Python reference CLI (compat/ref.py: Sentry's code paths and the S3 plugin's, boto3 and
 * python-zstandard as Sentry pins them) from `pnpm services env`: $NODESTORE_PYTHON runs $NODESTORE_REF_CLI.
 * Absent: skip with one line, or fail under NODESTORE_REQUIRE_SERVICES=1.
 */
export interface RefCli {
  /** `python ref.py s3 ARGS` for a target and bucket; stdout parsed as JSON. */
  s3(target: S3Target, bucket: string, args: readonly string[], stdin?: string): Promise<unknown>;
}

export function refCli(): RefCli | undefined {
  const found = serviceEnv("Python reference (compat/ref.py)", ["NODESTORE_PYTHON", "NODESTORE_REF_CLI"]);
  if (!found) return undefined;
  const { NODESTORE_PYTHON: python, NODESTORE_REF_CLI: cli } = found;
  return {
    async s3(target, bucket, args, stdin) {
      const argv = [
        cli,
        "s3",
        ...args,
        "--bucket",
        bucket,
        "--s3-endpoint",
        target.endpoint,
        "--s3-region",
        target.region,
        "--s3-access-key",
        target.accessKeyId,
        "--s3-secret-key",
        target.secretAccessKey,
      ];
      const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
        const child = execFile(python, argv, { maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
          if (error) reject(new Error(`ref.py s3 ${args.join(" ")}: ${err.trim() || error.message}`));
          else resolve({ stdout: out });
        });
        child.stdin?.end(stdin ?? "");
      });
      return JSON.parse(stdout);
    },
  };
}

/** ref.py's flags for a layout (its default bucket_path is "nodestore", as self-hosted). */
export function refLayoutArgs(layout: {
  bucketPath: string | null;
  sharding?: boolean;
  fallback?: boolean;
  compression?: boolean;
}): string[] {
  return [
    ...(layout.bucketPath === null ? ["--no-bucket-path"] : ["--bucket-path", layout.bucketPath]),
    ...(layout.sharding ? ["--sharding"] : []),
    ...(layout.fallback ? ["--sharding-fallback"] : []),
    ...(layout.compression === false ? ["--compression", "none"] : []),
  ];
}

/** Runs `fn` over `items`, `limit` at a time (Python start-up is CPU-bound: 2 cores). */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit)
    out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}

/**
 * s3rver builds ListObjectsV2's NextContinuationToken with DES, which OpenSSL 3 (Node >= 17) only has with
 * `node --openssl-legacy-provider`: without it every truncated listing is a 500. Returns why, or undefined.
 */
export async function truncatedListingProblem(
  target: S3Target,
  client: S3Client,
  bucket: string,
): Promise<string | undefined> {
  const prefix = `probe-${runId()}/`;
  for (const k of ["a", "b"]) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${k}`, Body: "x" }));
  }
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1 }));
    return undefined;
  } catch (error) {
    const why =
      `${target.label} cannot list a truncated page (${(error as Error).message})` +
      (target.label === "s3rver"
        ? "; start s3rver with `node --openssl-legacy-provider` (its tokens use DES)"
        : "");
    if (process.env.NODESTORE_REQUIRE_SERVICES === "1") throw new Error(why);
    return why;
  } finally {
    await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: `${prefix}a` }, { Key: `${prefix}b` }] },
      }),
    );
  }
}

/** Whether the server refuses an unknown access key (moto, by default, accepts anything). */
export async function refusesUnknownKeys(target: S3Target, bucket: string): Promise<boolean> {
  const client = new S3Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: true,
    credentials: { accessKeyId: "NODESTOREWRONGKEY", secretAccessKey: "wrong-secret-value" },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    return false;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403;
  } finally {
    client.destroy();
  }
}

const bombs = new Map<number, Promise<Uint8Array>>();

/**
 * One zstd frame of `mib` MiB of zeros (700 MiB: about 22 kB), compressed as a stream from one reused 1 MiB
 * chunk: the bytes it inflates to are never allocated here. No content size in the header, as a streaming writer
 * leaves it. Cached per size.
 */
export function zstdOfZeros(mib: number): Promise<Uint8Array> {
  let bomb = bombs.get(mib);
  if (bomb === undefined) {
    bomb = (async () => {
      const z = createZstdCompress();
      const parts: Buffer[] = [];
      z.on("data", (chunk: Buffer) => parts.push(chunk));
      const ended = new Promise<void>((resolve, reject) => {
        z.on("end", resolve);
        z.on("error", reject);
      });
      const zero = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < mib; i++) {
        if (!z.write(zero)) await new Promise((resolve) => z.once("drain", resolve));
      }
      z.end();
      await ended;
      return new Uint8Array(Buffer.concat(parts));
    })();
    bombs.set(mib, bomb);
  }
  return bomb;
}
