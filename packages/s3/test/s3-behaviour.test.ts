// What the backend leaves in the bucket and how it talks to real servers: keys, bodies, fallback, request
// counts, bulk paths, cleanup, bootstrap and lifecycle.
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import {
  BackendError,
  BackendUnavailableError,
  CorruptNode,
  CorruptNodeError,
  DEFAULT_MAX_VALUE_BYTES,
  eventNodeId,
  InvalidIdError,
  NodeStore,
  NotSupportedError,
  PayloadTooLargeError,
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
  zstdOfZeros,
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

    describe("damaged objects (issue #10 cases 3, 6, 7)", () => {
      const putRaw = (key: string, body: Uint8Array, encoding?: string) =>
        scratch.client.send(
          new PutObjectCommand({
            Bucket: scratch.bucket,
            Key: key,
            Body: body,
            ...(encoding === undefined ? {} : { ContentEncoding: encoding }),
          }),
        );
      const value = { a: `hello world ${"and more ".repeat(30)}` };
      /** Writes `value` under `id` through the backend, then flips one bit of "hello" in the stored frame. */
      const damage = async (b: S3Backend, id: string) => {
        await new NodeStore(b).set(id, value);
        const stored = await rawGet(b.keyFor(id));
        expect(stored.encoding).toBe("zstd");
        const frame = Uint8Array.from(stored.body);
        expect(frame[4]! & 0x04, "the frame carries a content checksum").toBe(0x04);
        const at = Buffer.from(frame).indexOf("hello");
        expect(at, "the literal is in the frame").toBeGreaterThan(5);
        frame[at + 1]! ^= 0x08; // "hello" -> "hmllo": without a checksum this decodes to other data
        await putRaw(b.keyFor(id), frame, "zstd");
        return b.keyFor(id);
      };
      const expectCorrupt = (error: unknown, id: string, key: string) => {
        expect(error).toBeInstanceOf(CorruptNodeError);
        expect((error as CorruptNodeError).id).toBe(id);
        expect((error as CorruptNodeError).layer).toBe("zstd");
        expect((error as CorruptNodeError).retryable).toBe(false);
        expect((error as Error).message).toContain(JSON.stringify(id));
        expect((error as Error).message).toContain(`${scratch.bucket}/${key}`);
      };

      it("a flipped bit in a stored zstd object is a CorruptNodeError naming the id and key, never other data", async () => {
        const b = backend({ bucketPath: `flip-${runId()}` });
        const [id] = ids(1);
        const key = await damage(b, id!);
        expectCorrupt(await new NodeStore(b).get(id!).catch((e: unknown) => e), id!, key);
        expectCorrupt(await b.getBytes(id!).catch((e: unknown) => e), id!, key);
      });

      it("getMulti serves the good nodes and reports the damaged one as a CorruptNode; strict mode throws", async () => {
        const b = backend({ bucketPath: `multi-${runId()}` });
        const [good1, bad, good2, missing] = ids(4);
        const badKey = await damage(b, bad!);
        const store = new NodeStore(b);
        await store.setMulti([
          { id: good1!, main: { n: 1 } },
          { id: good2!, main: { n: 2 } },
        ]);
        const before = await listKeys(scratch.client, scratch.bucket, `${b.layout.bucketPath}/`);

        const got = await store.getMulti([good1!, bad!, good2!, missing!]);
        expect(got.get(good1!)).toEqual({ n: 1 });
        expect(got.get(good2!)).toEqual({ n: 2 });
        expect(got.get(missing!)).toBeNull();
        const marker = got.get(bad!);
        expect(marker).toBeInstanceOf(CorruptNode);
        expect((marker as CorruptNode).id).toBe(bad);
        expectCorrupt((marker as CorruptNode).error, bad!, badKey);

        const bytes = await b.getBytesMulti([good1!, bad!, missing!]);
        expect(bytes.get(good1!)).toBeInstanceOf(Uint8Array);
        expect(bytes.get(missing!)).toBeNull();
        expectCorrupt(bytes.get(bad!), bad!, badKey);

        const strict = new NodeStore(b, { corruptNodes: "throw" });
        expectCorrupt(await strict.getMulti([good1!, bad!]).catch((e: unknown) => e), bad!, badKey);
        expectCorrupt(await store.getBytesMulti([good1!, bad!]).catch((e: unknown) => e), bad!, badKey);
        // reading touched nothing
        expect(await listKeys(scratch.client, scratch.bucket, `${b.layout.bucketPath}/`)).toEqual(before);
        expect(await store.get(good1!)).toEqual({ n: 1 });
      });

      it("a 22 kB zstd object that inflates to 700 MB is a CorruptNodeError naming the id, at maxValueBytes", async () => {
        const bomb = await zstdOfZeros(700);
        expect(bomb.byteLength).toBeLessThan(30_000);
        const p = `bomb-${runId()}`;
        const [id, other] = ids(2);
        const b = backend({ bucketPath: p });
        const small = backend({ bucketPath: p, maxValueBytes: 1024 * 1024 });
        expect(b.maxValueBytes).toBe(DEFAULT_MAX_VALUE_BYTES);
        await putRaw(b.keyFor(id!), bomb, "zstd");
        await new NodeStore(b).set(other!, { fine: true });
        for (const [reader, limit] of [
          [b, DEFAULT_MAX_VALUE_BYTES],
          [small, 1024 * 1024],
        ] as const) {
          const started = Date.now();
          const error = await new NodeStore(reader).get(id!).catch((e: unknown) => e);
          expectCorrupt(error, id!, reader.keyFor(id!));
          expect((error as Error).message).toContain(`decompresses past ${limit} bytes`);
          expect(Date.now() - started).toBeLessThan(30_000); // settled, did not exhaust the heap
          const many = await new NodeStore(reader).getMulti([id!, other!]);
          expect(many.get(id!)).toBeInstanceOf(CorruptNode);
          expect(many.get(other!)).toEqual({ fine: true });
        }
        // writes above the limit are refused before any request
        const count = countRequests(small.client);
        const big = { blob: "x".repeat(1024 * 1024) };
        await expect(new NodeStore(small).set(id!, big)).rejects.toBeInstanceOf(PayloadTooLargeError);
        expect(count.total()).toBe(0);
      });
    });

    describe("ids that cannot be their own key (issue #10 case 4)", () => {
      const put = (key: string, body: string) =>
        scratch.client.send(new PutObjectCommand({ Bucket: scratch.bucket, Key: key, Body: body })).then(
          () => "ok",
          (e: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
            `${e.name} (HTTP ${e.$metadata?.httpStatusCode})`,
        );

      // What the rule protects against, with raw PUTs (no rule in the way). SeaweedFS turns an object key that
      // is already a folder into `key/key`, and refuses a key under an existing object: reported for the other
      // servers, asserted on SeaweedFS.
      it("the server: an object and a folder of the same name", async () => {
        const p = `raw-${runId()}`;
        const nested = await put(`${p}/dd/q`, '{"q":1}');
        const flat = await put(`${p}/dd`, '{"dd":1}');
        // a flat 2-character id written before sharding was turned on, then a Sentry md5 id starting with it
        const twoChars = await put(`${p}/ab`, "{}");
        const md5Sharded = await put(`${p}/ab/cdef/0123456789abcdef0123456789`, "{}");
        const keys = await listKeys(scratch.client, scratch.bucket, `${p}/`);
        console.info(
          `[keys] ${target.label}: PUT ${p}/dd/q ${nested}, PUT ${p}/dd ${flat}, PUT ${p}/ab ${twoChars}, ` +
            `PUT ${p}/ab/cdef/… ${md5Sharded}; listed: ${keys.map((k) => k.slice(p.length + 1)).join(", ")}`,
        );
        if (target.label === "SeaweedFS") {
          expect(flat).toBe("ok");
          expect(keys).toContain(`${p}/dd/dd`); // "dd" was written somewhere else
          expect(keys).not.toContain(`${p}/dd`);
          expect(md5Sharded).toMatch(/HTTP 409/); // ExistingObjectIsFile: a real Sentry id cannot be written
        }
        // MinIO lists neither nested key while the flat ones exist: delete every key written, nested first.
        const written = ["dd/q", "dd/dd", "ab/cdef/0123456789abcdef0123456789", "dd", "ab"];
        for (const key of [...written.map((k) => `${p}/${k}`), ...keys]) {
          await scratch.client.send(new DeleteObjectCommand({ Bucket: scratch.bucket, Key: key }));
        }
        expect(await listKeys(scratch.client, scratch.bucket, `${p}/`)).toEqual([]);
      });

      it("the rule: refused before any request, nothing written; Sentry's shapes land at their own keys", async () => {
        const p = `rule-${runId()}`;
        const flat = backend({ bucketPath: p });
        const both = backend({ bucketPath: p, objectSharding: true, objectShardingFallback: true });
        const count = countRequests(flat.client);
        const countBoth = countRequests(both.client);
        for (const b of [flat, both]) {
          const store = new NodeStore(b);
          for (const id of ["dd/q", "dd", "ab", "abcdef", "AbC+"]) {
            for (const call of [
              () => store.set(id, { id }),
              () => store.get(id),
              () => store.getMulti([ids(1)[0]!, id]),
              () => store.delete(id),
            ]) {
              const error = await call().catch((e: unknown) => e);
              expect(error, id).toBeInstanceOf(InvalidIdError);
              expect((error as InvalidIdError).id).toBe(id);
              expect((error as InvalidIdError).retryable).toBe(false);
              expect((error as Error).message).toContain(JSON.stringify(id));
            }
          }
          const error = await store.deleteMulti(["dd", "dd/q"]).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidIdError);
          expect((error as Error).message).toMatch(/"dd".*2 characters/);
        }
        expect(count.total() + countBoth.total()).toBe(0);
        expect(await listKeys(scratch.client, scratch.bucket, `${p}/`)).toEqual([]);

        // Every shape Sentry writes, flat and sharded in one prefix (the sharding migration): each at its key.
        const [md5a, md5b] = ids(2);
        const legacy = "AbC+/xyz12345678901234==";
        const nodes = [md5a!, `i-o:${md5a}`, `e-g-f:${md5a}`, `s:1:${md5a}`, "bundle_index:1:abc", legacy];
        await new NodeStore(flat).setMulti(nodes.map((id) => ({ id, main: { id, layout: "flat" } })));
        await new NodeStore(both).setMulti([
          { id: md5b!, main: { id: md5b, layout: "sharded" } },
          { id: legacy, main: { id: legacy, layout: "sharded" } },
        ]);
        expect(await listKeys(scratch.client, scratch.bucket, `${p}/`)).toEqual(
          [
            ...nodes.map((id) => `${p}/${id}`),
            `${p}/${md5b!.slice(0, 2)}/${md5b!.slice(2, 6)}/${md5b!.slice(6)}`,
            `${p}/Ab/C+/x/yz12345678901234==`,
          ].sort(),
        );
        const read = await new NodeStore(both).getMulti([...nodes, md5b!]);
        for (const id of nodes)
          expect(read.get(id), id).toEqual({ id, layout: id === legacy ? "sharded" : "flat" });
        expect(read.get(md5b!)).toEqual({ id: md5b, layout: "sharded" });
        expect(await new NodeStore(flat).get(legacy)).toEqual({ id: legacy, layout: "flat" });
        await new NodeStore(both).deleteMulti([...nodes, md5b!]);
        expect(await listKeys(scratch.client, scratch.bucket, `${p}/`)).toEqual([]);
      });
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
