import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { BackendError, InvalidArgumentError, type ScanPage } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idForKey, type KeyLayout, type S3Backend, type S3ScanOptions, shardedId } from "../src/index.js";
import { backendFor, clientOptions, countRequests, s3Targets, scratchBucket, utf8 } from "./helpers.js";

const flat: KeyLayout = { bucketPath: "nodestore", sharding: false, shardingFallback: false };
const sharded: KeyLayout = { bucketPath: "nodestore", sharding: true, shardingFallback: false };
const fallback: KeyLayout = { bucketPath: "nodestore", sharding: true, shardingFallback: true };
const hex = "0123456789abcdef0123456789abcdef";
const legacy = "AbCd/efGhIjKlMnOpQrStU==";
const idOf = (layout: KeyLayout, key: string) => {
  const match = idForKey(layout, key);
  return "id" in match ? match.id : undefined;
};
const reasonOf = (layout: KeyLayout, key: string) => {
  const match = idForKey(layout, key);
  return "reason" in match ? match.reason : undefined;
};

describe("idForKey", () => {
  it("maps each layout's keys back to their ids", () => {
    for (const id of [hex, legacy, `i-o:${hex}`, `e-g-f:${hex}`, "bundle_index:abc:1", "s:1234567"]) {
      expect(idOf(flat, `nodestore/${id}`)).toBe(id);
      expect(idOf(sharded, `nodestore/${shardedId(id)}`)).toBe(id);
      expect(idOf(fallback, `nodestore/${shardedId(id)}`)).toBe(id);
      expect(idOf(fallback, `nodestore/${id}`)).toBe(id); // the fallback's flat copy
      expect(idOf({ ...flat, bucketPath: null }, id)).toBe(id);
      expect(idOf({ ...fallback, bucketPath: "a/b" }, `a/b/${shardedId(id)}`)).toBe(id);
    }
    expect(idOf(sharded, "nodestore/Ab/Cd/e/fGhIjKlMnOpQrStU==")).toBe(legacy);
    expect(idOf(sharded, "nodestore/01/2345/6789abcdef0123456789abcdef")).toBe(hex);
  });

  it("never reads one key as two ids: the id rules leave at most one reading", () => {
    // "Ab/cdef/…==" is a legacy id's flat key, and the sharded shape of "Abcdef…==". The sharded layouts refuse
    // both ids (the legacy id shards to "Ab//cde/…", the other would collide with the legacy key): skipped.
    const key = "nodestore/Ab/cdef/GhIjKlMnOpQrSt==";
    expect(idOf(flat, key)).toBe("Ab/cdef/GhIjKlMnOpQrSt==");
    expect(reasonOf(fallback, key)).toBeDefined();
    expect(reasonOf(sharded, key)).toBeDefined();
    // A legacy id whose slash falls elsewhere is storable sharded, and its flat key reads as flat only.
    expect(idOf(fallback, `nodestore/${legacy}`)).toBe(legacy);
    expect(idOf(fallback, `nodestore/${shardedId(legacy)}`)).toBe(legacy);
    for (const layout of [flat, sharded, fallback]) {
      for (const id of [hex, legacy, `i-o:${hex}`]) {
        for (const key of [`nodestore/${id}`, `nodestore/${shardedId(id)}`]) {
          const match = idForKey(layout, key);
          if ("id" in match) expect(match.id).toBe(id);
        }
      }
    }
  });

  it("says why other keys are not nodes", () => {
    expect(reasonOf(flat, "other/file.txt")).toMatch(/not under the prefix "nodestore\/"/);
    expect(reasonOf(flat, `nodestore-old/${hex}`)).toMatch(/not under the prefix/);
    expect(reasonOf(flat, `nodestore/${shardedId(hex)}`)).toMatch(/sharded key .* objectSharding is off/);
    expect(reasonOf(sharded, `nodestore/${hex}`)).toMatch(/flat key and objectShardingFallback is off/);
    for (const key of [
      "nodestore/",
      "nodestore/01/",
      "nodestore/README", // ids of 1 to 21 base64 characters are refused (folder of a legacy key)
      "nodestore/a/../b",
      "nodestore/x/y/z.txt",
      "nodestore/ab", // a 2-character id: the folder of sharded keys
    ]) {
      expect(reasonOf(flat, key)).toBeDefined();
      expect(reasonOf(fallback, key)).toBeDefined();
    }
  });
});

const list = async (backend: S3Backend, options?: S3ScanOptions): Promise<ScanPage[]> => {
  const pages: ScanPage[] = [];
  for await (const page of backend.scan(options)) pages.push(page);
  return pages;
};
const ids = (pages: ScanPage[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const targets = s3Targets();
if (targets.length === 0) it.skip("no S3 server is configured", () => {});
for (const target of targets) {
  describe(`s3 scan on ${target.label}`, () => {
    let drop: () => Promise<void>;
    let bucket: string;
    const many = Array.from({ length: 1_203 }, (_, i) => `${String(i).padStart(4, "0")}${hex.slice(4)}`);
    const open = (options: Partial<Parameters<typeof backendFor>[1]> = {}) =>
      backendFor(target, { ...clientOptions(target), bucketName: bucket, ...options });

    beforeAll(async () => {
      const scratch = await scratchBucket(target);
      drop = scratch.drop;
      bucket = scratch.bucket;
      const backend = open();
      await backend.setBytesMulti(many.map((id) => [id, utf8(`{"id":"${id}"}`)]));
      // Not nodes: another prefix (not even listed) and a stray file under ours (listed, skipped, reported).
      await backend.client.send(new PutObjectCommand({ Bucket: bucket, Key: "elsewhere/x", Body: "x" }));
      await backend.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: "nodestore/notes/x.txt", Body: "x" }),
      );
      await backend.close();
    }, 300_000);
    afterAll(() => drop?.());

    it("lists across ListObjectsV2's 1000-key page in one request per page, reporting the stray key", async () => {
      const backend = open();
      const requests = countRequests(backend.client);
      const skipped: string[] = [];
      const pages = await list(backend, { onSkippedKey: (key, reason) => skipped.push(`${key}: ${reason}`) });
      expect(requests.counts.get("ListObjectsV2Command")).toBe(2);
      expect(requests.total()).toBe(2);
      expect(ids(pages).sort()).toEqual(many);
      expect(pages[0]!.nodes.length + pages[1]!.nodes.length).toBe(1_203);
      expect(pages.length).toBe(2);
      expect(skipped).toEqual([
        expect.stringMatching(/^nodestore\/notes\/x\.txt: it is not the key of a node id/),
      ]);
      await backend.close();
    });

    it("reports LastModified and Size exactly as the server lists them (HeadObject agrees to the second)", async () => {
      const backend = open();
      const [page] = await list(backend, { pageSize: 7 });
      const raw = await backend.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: "nodestore/", MaxKeys: 7 }),
      );
      expect(page!.nodes).toEqual(
        (raw.Contents ?? []).map((o) => ({
          id: o.Key!.slice("nodestore/".length),
          timestamp: o.LastModified,
          storedBytes: o.Size,
        })),
      );
      const node = page!.nodes[0]!;
      const head = await backend.client.send(
        new HeadObjectCommand({ Bucket: bucket, Key: backend.keyFor(node.id) }),
      );
      expect(Math.floor(node.timestamp!.getTime() / 1000)).toBe(head.LastModified!.getTime() / 1000);
      expect(node.storedBytes).toBe(head.ContentLength);
      await backend.close();
    });

    it("resumes after any page's cursor (the last key) in a new backend object", async () => {
      const one = open();
      const pages = await list(one, { pageSize: 400 });
      await one.close();
      expect(pages.map((p) => p.cursor)).toEqual([
        `nodestore/${many[399]}`,
        `nodestore/${many[799]}`,
        `nodestore/${many[1199]}`,
        "nodestore/notes/x.txt",
      ]);
      const two = open();
      const rest = await list(two, { pageSize: 400, after: pages[1]!.cursor });
      expect(ids(rest)).toEqual(many.slice(800));
      expect(await list(two, { after: pages.at(-1)!.cursor })).toEqual([]);
      await two.close();
    });

    it("refuses a cursor from another prefix before any request", async () => {
      const backend = open({ bucketPath: "other" });
      const requests = countRequests(backend.client);
      await expect(list(backend, { after: `nodestore/${many[0]}` })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(requests.total()).toBe(0);
      await backend.close();
    });

    it("stops with the abort reason between pages", async () => {
      const backend = open();
      const controller = new AbortController();
      const seen: ScanPage[] = [];
      const run = (async () => {
        for await (const page of backend.scan({ pageSize: 100, signal: controller.signal })) {
          seen.push(page);
          controller.abort(new Error("enough"));
        }
      })();
      await expect(run).rejects.toThrow("enough");
      expect(seen.length).toBe(1);
      await backend.close();
    });

    it("names a missing bucket as a BackendError that is not retryable", async () => {
      const backend = open({ bucketName: `${bucket}-missing` });
      const error = await list(backend).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as BackendError).retryable).toBe(false);
      expect((error as Error).message).toMatch(/NoSuchBucket/);
      await backend.close();
    });

    it("since/until select by LastModified, client-side: the listing still walks every key", async () => {
      const backend = open({ bucketPath: "window" });
      const early = [`e-g-f:${hex.slice(0, 30)}01`, `e-g-f:${hex.slice(0, 30)}02`];
      const late = [`e-g-f:${hex.slice(0, 30)}03`, `e-g-f:${hex.slice(0, 30)}04`];
      await backend.setBytesMulti(early.map((id) => [id, utf8("{}")]));
      await sleep(2_100); // LastModified is to the second on SeaweedFS and s3rver
      await backend.setBytesMulti(late.map((id) => [id, utf8("{}")]));
      const all = (await list(backend)).flatMap((p) => p.nodes);
      const split = new Date(
        Math.min(...all.filter((n) => late.includes(n.id)).map((n) => n.timestamp!.getTime())),
      );
      expect(
        Math.max(...all.filter((n) => early.includes(n.id)).map((n) => n.timestamp!.getTime())),
      ).toBeLessThan(split.getTime());
      const requests = countRequests(backend.client);
      expect(ids(await list(backend, { since: split })).sort()).toEqual(late);
      expect(ids(await list(backend, { until: split })).sort()).toEqual(early);
      const atSplit = all.filter((n) => n.timestamp!.getTime() === split.getTime()).map((n) => n.id);
      expect(ids(await list(backend, { since: split, until: new Date(split.getTime() + 1) })).sort()).toEqual(
        atSplit.sort(),
      );
      const pages = await list(backend, { since: new Date(Date.now() + 3_600_000), pageSize: 1 });
      expect(pages.length).toBe(4); // every key listed, none kept: empty pages, the cursor still moving
      expect(pages.every((p) => p.nodes.length === 0)).toBe(true);
      expect(requests.counts.get("ListObjectsV2Command")).toBeGreaterThanOrEqual(3 + 4);
      await backend.close();
    }, 30_000);

    describe("layouts", () => {
      const a = `${hex.slice(0, 31)}a`;
      const b = `${hex.slice(0, 31)}b`;
      const both = `${hex.slice(0, 31)}c`;
      const legacyId = "QUJDREVGR0hJSktMTU5P/Q==";

      it("sharded with fallback lists both layouts; an id stored both ways appears once per copy", async () => {
        const prefix = "mixed";
        const flatBackend = open({ bucketPath: prefix });
        const shardedBackend = open({ bucketPath: prefix, objectSharding: true });
        await flatBackend.setBytes(a, utf8('{"old":true}'));
        await flatBackend.setBytes(both, utf8('{"old":true}'));
        await flatBackend.setBytes(legacyId, utf8('{"old":true}'));
        await shardedBackend.setBytes(b, utf8('{"new":true}'));
        await shardedBackend.setBytes(both, utf8('{"new":true,"longer":1}'));

        const withFallback = open({ bucketPath: prefix, objectSharding: true, objectShardingFallback: true });
        const nodes = (await list(withFallback)).flatMap((p) => p.nodes);
        expect(nodes.map((n) => n.id).sort()).toEqual([legacyId, a, b, both, both].sort());
        const copies = nodes.filter((n) => n.id === both);
        expect(new Set(copies.map((n) => n.storedBytes)).size).toBe(2); // each copy's own Size
        // What a read returns is the sharded copy.
        expect(new TextDecoder().decode((await withFallback.getBytes(both))!)).toBe(
          '{"new":true,"longer":1}',
        );

        const skipped: string[] = [];
        const onSkippedKey = (key: string) => skipped.push(key);
        expect(ids(await list(shardedBackend, { onSkippedKey })).sort()).toEqual([b, both].sort());
        expect(skipped.sort()).toEqual(
          [`${prefix}/${a}`, `${prefix}/${both}`, `${prefix}/${legacyId}`].sort(),
        );
        skipped.length = 0;
        expect(ids(await list(flatBackend, { onSkippedKey })).sort()).toEqual([legacyId, a, both].sort());
        expect(skipped.sort()).toEqual([`${prefix}/${shardedId(b)}`, `${prefix}/${shardedId(both)}`].sort());
        for (const backend of [flatBackend, shardedBackend, withFallback]) await backend.close();
      });

      it("without a prefix lists the whole bucket, keeping only keys that are node ids", async () => {
        const bare = open({ bucketPath: null });
        const skipped: string[] = [];
        const listed = ids(await list(bare, { onSkippedKey: (key) => skipped.push(key) }));
        // Every key of this bucket: the other tests' prefixed keys are not bare ids.
        expect(listed).toEqual([]);
        expect(skipped).toContain("elsewhere/x");
        expect(skipped).toContain(`nodestore/${many[0]}`);
        await bare.setBytes(hex, utf8("{}"));
        expect(ids(await list(bare, { onSkippedKey: () => {} }))).toEqual([hex]);
        await bare.delete(hex);
        await bare.close();
      });
    });
  });
}
