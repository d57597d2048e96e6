// What the backend leaves in the bucket and how it talks to real servers: keys, bodies, fallback, request
// counts, bulk paths, cleanup, bootstrap and lifecycle.
import {
  DeleteBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  BackendError,
  BackendUnavailableError,
  eventNodeId,
  InvalidIdError,
  NodeStore,
  NotSupportedError,
} from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIFECYCLE_RULE_ID, S3Backend, type S3BackendOptions, type S3CleanupProgress } from "../src/index.js";
import {
  backendFor,
  clientOptions,
  countRequests,
  emptyBucket,
  hex,
  listKeys,
  listObjects,
  rawClient,
  refusesUnknownKeys,
  runId,
  type S3Target,
  s3Targets,
  scratchBucket,
  truncatedListingProblem,
  utf8,
} from "./helpers.js";

const targets = s3Targets();
if (targets.length === 0) it.skip("no S3 server is configured", () => {});
for (const target of targets) describeTarget(target);

function describeTarget(target: S3Target): void {
  describe(`@nodestore/s3 on ${target.label}`, () => {
    let scratch: Awaited<ReturnType<typeof scratchBucket>>;
    const open: S3Backend[] = [];
    const backend = (extra: Partial<S3BackendOptions> = {}) => {
      const b = backendFor(target, { ...clientOptions(target), bucketName: scratch.bucket, ...extra });
      open.push(b);
      return b;
    };
    const ids = (n: number) => {
      const run = runId();
      return Array.from({ length: n }, (_, i) => eventNodeId(3, `${run}${String(i).padStart(22, "0")}`));
    };
    const rawGet = async (key: string) => {
      const r = await scratch.client.send(new GetObjectCommand({ Bucket: scratch.bucket, Key: key }));
      return { encoding: r.ContentEncoding, body: await r.Body!.transformToByteArray() };
    };
    const big = utf8(
      JSON.stringify({ message: "x".repeat(2000), list: Array.from({ length: 50 }, (_, i) => i) }),
    );

    beforeAll(async () => {
      scratch = await scratchBucket(target);
    });
    afterAll(async () => {
      for (const b of open) await b.close();
      await scratch?.drop();
    });

    it("writes `nodestore/<id>`: a zstd frame flagged zstd, or the raw bytes with no Content-Encoding", async () => {
      const b = backend();
      const [a, c] = ids(2);
      await b.setBytes(a!, big, 3600); // TTL accepted and ignored, as in Python
      await b.setBytes(c!, utf8("{}"));
      const zstd = await rawGet(`nodestore/${a}`);
      expect(zstd.encoding).toBe("zstd");
      expect(hex(zstd.body.subarray(0, 4))).toBe("28b52ffd");
      expect(zstd.body.byteLength).toBeLessThan(big.byteLength);
      const raw = await rawGet(`nodestore/${c}`);
      expect(raw.encoding || undefined).toBeUndefined();
      expect(hex(raw.body)).toBe(hex(utf8("{}")));
      expect(hex(await b.getBytes(a!))).toBe(hex(big));
    });

    it("with compression off writes raw bytes; reads zstd objects either way", async () => {
      const [a, c] = ids(2);
      const off = backend({ compression: false });
      await off.setBytes(a!, big);
      expect((await rawGet(`nodestore/${a}`)).encoding || undefined).toBeUndefined();
      await backend().setBytes(c!, big);
      expect(hex(await off.getBytes(c!))).toBe(hex(big));
    });

    it("an object with an empty Content-Encoding (what Python sends for raw) reads as raw", async () => {
      const [a] = ids(1);
      await scratch.client.send(
        new PutObjectCommand({
          Bucket: scratch.bucket,
          Key: `nodestore/${a}`,
          Body: big,
          ContentEncoding: "",
        }),
      );
      expect(hex(await backend().getBytes(a!))).toBe(hex(big));
    });

    it("lays out sharded keys, and reads flat keys through the fallback; deletes remove both", async () => {
      const run = runId();
      const id = `${run}${"0".repeat(32 - run.length)}`;
      const sharded = backend({ bucketPath: `shard-${run}`, objectSharding: true });
      await sharded.setBytes(id, big);
      expect(await listKeys(scratch.client, scratch.bucket, `shard-${run}/`)).toEqual([
        `shard-${run}/${id.slice(0, 2)}/${id.slice(2, 6)}/${id.slice(6)}`,
      ]);
      // a flat object from before sharding was turned on
      const flat = backend({ bucketPath: `shard-${run}` });
      const [old] = ids(1);
      await flat.setBytes(old!, utf8('{"old":1}'));
      expect(await sharded.getBytes(old!)).toBeNull(); // no fallback: not found
      const both = backend({
        bucketPath: `shard-${run}`,
        objectSharding: true,
        objectShardingFallback: true,
      });
      expect(hex(await both.getBytes(old!))).toBe(hex(utf8('{"old":1}')));
      expect(hex((await both.getBytesMulti([old!, id])).get(old!)!)).toBe(hex(utf8('{"old":1}')));
      // the same id under both keys: delete() removes both
      await flat.setBytes(id, utf8('{"flat":1}'));
      await both.delete(id);
      await both.deleteMulti([old!]);
      expect(await listKeys(scratch.client, scratch.bucket, `shard-${run}/`)).toEqual([]);
    });

    it("uses a client you own and leaves it open on close()", async () => {
      const client = rawClient(target);
      const b = new S3Backend({ client, bucketName: scratch.bucket, bucketPath: `own-${runId()}` });
      const [a] = ids(1);
      await b.setBytes(a!, big);
      await b.close();
      expect(hex(await b.getBytes(a!))).toBe(hex(big)); // still usable: not destroyed
      await b.delete(a!);
      client.destroy();
    });

    it("refuses ids that would escape the prefix before any request", async () => {
      const b = backend({ bucketPath: `esc-${runId()}` });
      const store = new NodeStore(b);
      const count = countRequests(b.client);
      for (const id of ["../x", "a/../../b", "/abs", "a//b", "."]) {
        await expect(store.set(id, {}), id).rejects.toBeInstanceOf(InvalidIdError);
        await expect(store.get(id), id).rejects.toBeInstanceOf(InvalidIdError);
        await expect(store.deleteMulti([id]), id).rejects.toBeInstanceOf(InvalidIdError);
      }
      expect(count.total()).toBe(0);
    });

    // Counted per call: s3rver answers some DeleteObjects with a 500 (its parallel deletes race on removing
    // emptied directories) and the SDK's retry then succeeds; that is two attempts of one request.
    it("deleteMulti(1000 ids) is one DeleteObjects request; 1001 ids or the fallback's 2000 keys are two", async () => {
      const b = backend({ bucketPath: `bulk-${runId()}`, concurrency: 32 });
      const store = new NodeStore(b, { concurrency: 32 });
      const some = ids(1001);
      await store.setBytesMulti(some.slice(0, 50).map((id) => [id, utf8(`{"i":"${id}"}`)] as const));
      const count = countRequests(b.client);
      await store.deleteMulti(some.slice(0, 1000));
      expect(Object.fromEntries(count.counts)).toEqual({ DeleteObjectsCommand: 1 });
      expect([...(await store.getBytesMulti(some.slice(0, 50))).values()].every((v) => v === null)).toBe(
        true,
      );
      count.reset();
      await store.deleteMulti(some);
      expect(Object.fromEntries(count.counts)).toEqual({ DeleteObjectsCommand: 2 });
      const fallback = backend({
        bucketPath: b.layout.bucketPath,
        objectSharding: true,
        objectShardingFallback: true,
      });
      const c2 = countRequests(fallback.client);
      await fallback.deleteMulti(some.slice(0, 1000));
      expect(Object.fromEntries(c2.counts)).toEqual({ DeleteObjectsCommand: 2 });
      console.info(
        `[requests] deleteMulti(1000 ids): 1 (2 with the sharding fallback); deleteMulti(1001 ids): 2`,
      );
    });

    it("getBytesMulti runs GETs in parallel, never more than `concurrency` at once", async () => {
      const b = backend({ bucketPath: `par-${runId()}`, concurrency: 4 });
      const some = ids(40);
      await b.setBytesMulti(some.map((id) => [id, utf8(`{"id":"${id}"}`)] as const));
      let inFlight = 0;
      let peak = 0;
      b.client.middlewareStack.add(
        (next) => async (args) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          try {
            return await next(args);
          } finally {
            inFlight--;
          }
        },
        { step: "initialize", name: "peak" },
      );
      const count = countRequests(b.client);
      const got = await b.getBytesMulti(some);
      expect(got.size).toBe(40);
      expect(count.total()).toBe(40);
      expect(peak).toBeLessThanOrEqual(4);
      expect(peak).toBeGreaterThan(1);
    });

    it("reads a 0-byte object as empty bytes (passthrough then falls back, as Python's `or`)", async () => {
      const [a] = ids(1);
      await scratch.client.send(
        new PutObjectCommand({ Bucket: scratch.bucket, Key: `nodestore/${a}`, Body: new Uint8Array(0) }),
      );
      expect((await backend().getBytes(a!))?.byteLength).toBe(0);
    });

    it("reports refused credentials as BackendError, never as a missing node, without the secret", async (ctx) => {
      if (!(await refusesUnknownKeys(target, scratch.bucket)))
        ctx.skip(`${target.label} does not check credentials`);
      const b = new S3Backend({
        ...clientOptions(target),
        credentials: { accessKeyId: "NODESTOREWRONGKEY", secretAccessKey: "wrong-secret-value" },
        bucketName: scratch.bucket,
        retryAttempts: 0,
      });
      open.push(b);
      const error = await b.getBytes(ids(1)[0]!).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as Error).message).toMatch(
        /(InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied) \(HTTP 403\)/,
      );
      expect((error as Error).message).not.toContain("wrong-secret-value");
      await expect(b.setBytes(ids(1)[0]!, utf8("{}"))).rejects.toBeInstanceOf(BackendError);
      await expect(b.deleteMulti(ids(2))).rejects.toBeInstanceOf(BackendError);
    });

    it("follows the server on a missing bucket: NoSuchBucket is an error (SeaweedFS 3.39 says NoSuchKey)", async () => {
      const bucket = `missing-${runId()}`;
      const b = new S3Backend({ ...clientOptions(target), bucketName: bucket, retryAttempts: 0 });
      open.push(b);
      const raw = await scratch.client.send(new GetObjectCommand({ Bucket: bucket, Key: "x" })).then(
        () => "found",
        (e: { name?: string }) => e.name,
      );
      if (raw === "NoSuchBucket") {
        await expect(b.getBytes(ids(1)[0]!)).rejects.toThrow(/NoSuchBucket.*createBucket/);
      } else {
        // the server cannot tell a missing bucket from a missing key: neither can we
        expect(raw).toBe("NoSuchKey");
        expect(await b.getBytes(ids(1)[0]!)).toBeNull();
        console.info(`[note] ${target.label} answers a GET in a missing bucket with NoSuchKey`);
      }
    });

    describe("cleanup", () => {
      it("is not supported unless listingCleanup is on (retention is the lifecycle rule)", async () => {
        const store = new NodeStore(backend());
        expect(store.backend.cleanup).toBeUndefined();
        await expect(store.cleanup(new Date())).rejects.toBeInstanceOf(NotSupportedError);
        await expect(store.cleanup(new Date())).rejects.toThrow(/lifecycle rule/);
      });

      it("deletes objects under the prefix last written before the cutoff, page by page, and resumes", async (ctx) => {
        const problem = await truncatedListingProblem(target, scratch.client, scratch.bucket);
        if (problem !== undefined) ctx.skip(problem);
        const prefix = `clean-${runId()}`;
        const b = backend({ bucketPath: prefix, listingCleanup: true, cleanupPageSize: 7 });
        const old = ids(20);
        await b.setBytesMulti(old.map((id) => [id, utf8("{}")] as const));
        // an object outside the prefix must survive any cleanup
        await scratch.client.send(
          new PutObjectCommand({ Bucket: scratch.bucket, Key: `${prefix}-outside`, Body: "x" }),
        );
        const listed = await listObjects(scratch.client, scratch.bucket, `${prefix}/`);
        expect(listed).toHaveLength(20);
        // LastModified has 1 s resolution on some servers: the cutoff is the next whole second after the old
        // writes, and the new writes happen after it.
        const lastOld = Math.max(...listed.map((o) => o.lastModified.getTime()));
        const cutoff = new Date(Math.floor(lastOld / 1000) * 1000 + 1000);
        while (Date.now() < cutoff.getTime() + 200) await new Promise((r) => setTimeout(r, 100));
        const fresh = ids(3);
        await b.setBytesMulti(fresh.map((id) => [id, utf8("{}")] as const));
        const freshObjects = await listObjects(scratch.client, scratch.bucket, `${prefix}/`);
        for (const o of freshObjects.filter((o) => fresh.some((id) => o.key.endsWith(id)))) {
          expect(o.lastModified.getTime()).toBeGreaterThanOrEqual(cutoff.getTime()); // precondition
        }

        expect((await b.cleanup!(new Date(cutoff.getTime() - 3600_000))).deleted).toBe(0);

        // stop after the first page, then resume from its last key
        const controller = new AbortController();
        const first: S3CleanupProgress[] = [];
        const stopped = b.cleanup!(cutoff, {
          signal: controller.signal,
          onProgress: (p) => {
            first.push(p);
            controller.abort();
          },
        });
        await expect(stopped).rejects.toThrow(/abort/i);
        expect(first).toHaveLength(1);
        expect(first[0]!.scanned).toBe(7);
        const rest: S3CleanupProgress[] = [];
        const resumed = await b.cleanup!(cutoff, {
          startAfter: first[0]!.lastKey,
          onProgress: (p) => rest.push(p),
        });
        expect(first[0]!.deleted + resumed.deleted).toBe(20);
        expect(resumed.scanned).toBe(23 - 7);
        expect(rest.at(-1)).toMatchObject({ deleted: resumed.deleted, scanned: resumed.scanned });
        expect(await listKeys(scratch.client, scratch.bucket, prefix)).toEqual(
          [...fresh.map((id) => `${prefix}/${id}`), `${prefix}-outside`].sort(),
        );
        // a re-run from the start finds nothing more to delete
        expect((await b.cleanup!(cutoff)).deleted).toBe(0);
      });
    });

    describe("bootstrap", () => {
      it("creates the bucket when asked, and is safe to run twice", async () => {
        const bucket = `nstest-boot-${runId()}`;
        const b = new S3Backend({ ...clientOptions(target), bucketName: bucket, createBucket: true });
        open.push(b);
        await b.bootstrap();
        await b.bootstrap();
        await scratch.client.send(new HeadBucketCommand({ Bucket: bucket }));
        await b.setBytes(ids(1)[0]!, utf8("{}"));
        await emptyBucket(scratch.client, bucket);
        await scratch.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      });

      it("does nothing by default (no bucket creation, no lifecycle)", async () => {
        const b = new S3Backend({ ...clientOptions(target), bucketName: `nstest-none-${runId()}` });
        open.push(b);
        const count = countRequests(b.client);
        await b.bootstrap();
        expect(count.total()).toBe(0);
      });

      it("sets Sentry-Nodestore-Rule, updates Days, keeps other rules (or reports NotImplemented)", async () => {
        const b = backend({ lifecycleDays: 90 });
        const supported = await scratch.client
          .send(
            new PutBucketLifecycleConfigurationCommand({
              Bucket: scratch.bucket,
              LifecycleConfiguration: {
                Rules: [
                  { ID: "other", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 3 } },
                ],
              },
            }),
          )
          .then(
            () => true,
            (e: { name?: string }) => {
              if (e.name !== "NotImplemented") throw e;
              return false;
            },
          );
        if (!supported) {
          expect(
            target.lifecycle,
            `${target.label} implements lifecycle rules but answered NotImplemented`,
          ).not.toBe(true);
          // s3rver, SeaweedFS before lifecycle support (3.39 here): a typed error, nothing silently skipped
          const error = await b.bootstrap().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(BackendError);
          expect(error).not.toBeInstanceOf(BackendUnavailableError);
          expect((error as Error).message).toMatch(/NotImplemented \(HTTP 501\).*does not implement/);
          console.info(`[lifecycle] ${target.label} does not implement PutBucketLifecycleConfiguration`);
          return;
        }
        await b.bootstrap();
        const rules = async () =>
          (await scratch.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: scratch.bucket })))
            .Rules ?? [];
        const days = (rs: Awaited<ReturnType<typeof rules>>) =>
          rs.map((r) => [r.Filter?.Prefix ?? "", r.Expiration?.Days]).sort();
        expect(days(await rules())).toEqual([
          ["", 90],
          ["tmp/", 3],
        ]);
        expect(await b.applyLifecycle(90)).toMatchObject({ changed: false });
        await b.bootstrap(); // idempotent
        expect(await b.applyLifecycle(30)).toMatchObject({ changed: true, previousDays: 90, days: 30 });
        expect(days(await rules())).toEqual([
          ["", 30],
          ["tmp/", 3],
        ]);
        const ours = (await rules()).find((r) => (r.Filter?.Prefix ?? "") === "");
        console.info(`[lifecycle] ${target.label} keeps rule IDs: ${ours?.ID === LIFECYCLE_RULE_ID}`);
      });
    });
  });
}
