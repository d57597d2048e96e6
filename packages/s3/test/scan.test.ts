import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idOfKey, type S3Backend } from "../src/index.js";
import { backendFor, clientOptions, s3Targets, scratchBucket } from "./helpers.js";

const flat = { bucketPath: "nodestore", sharding: false, shardingFallback: false };
const sharded = { bucketPath: "nodestore", sharding: true, shardingFallback: true };
const hex = "0123456789abcdef0123456789abcdef";
const legacy = "AbCd/efGhIjKlMnOpQrStU==";

describe("idOfKey", () => {
  it("maps every layout's key back to its id, and nothing else to one", () => {
    expect(idOfKey(flat, `nodestore/${hex}`)).toBe(hex);
    expect(idOfKey(flat, `nodestore/${legacy}`)).toBe(legacy);
    expect(idOfKey(flat, `nodestore/i-o:${hex}`)).toBe(`i-o:${hex}`);
    expect(idOfKey(sharded, `nodestore/01/2345/6789abcdef0123456789abcdef`)).toBe(hex);
    expect(idOfKey(sharded, `nodestore/${hex}`)).toBe(hex); // the fallback's flat copy
    expect(idOfKey({ ...sharded, shardingFallback: false }, `nodestore/${hex}`)).toBeUndefined();
    expect(idOfKey(sharded, "nodestore/Ab/Cd/e/fGhIjKlMnOpQrStU==")).toBe(legacy);
    expect(idOfKey({ ...flat, bucketPath: null }, hex)).toBe(hex);
    for (const other of [
      "other/file.txt",
      "nodestore/",
      "nodestore/01/",
      `nodestore-old/${hex}`,
      "nodestore/a/../b",
    ]) {
      expect(idOfKey(flat, other)).toBeUndefined();
    }
  });
});

const targets = s3Targets();
if (targets.length === 0) it.skip("no S3 server is configured", () => {});
for (const target of targets) {
  describe(`s3 scan on ${target.label}`, () => {
    let drop: () => Promise<void>;
    let bucket: string;
    const ids = Array.from({ length: 1_203 }, (_, i) => `${String(i).padStart(4, "0")}${hex.slice(4)}`);

    beforeAll(async () => {
      const scratch = await scratchBucket(target);
      drop = scratch.drop;
      bucket = scratch.bucket;
      const backend = backendFor(target, { ...clientOptions(target), bucketName: bucket });
      await backend.setBytesMulti!(ids.map((id) => [id, new TextEncoder().encode(`{"id":"${id}"}`)]));
      // Objects that are not nodes: another prefix, a stray file under ours.
      await backend.client.send(new PutObjectCommand({ Bucket: bucket, Key: "elsewhere/x", Body: "x" }));
      await backend.client.send(
        new PutObjectCommand({ Bucket: bucket, Key: "nodestore/README/x", Body: "x" }),
      );
      await backend.close();
    }, 300_000);
    afterAll(() => drop?.());

    const list = async (backend: S3Backend, options: Parameters<S3Backend["scan"]>[0]) => {
      const pages = [];
      for await (const page of backend.scan(options)) pages.push(page);
      return pages;
    };

    it("lists across ListObjectsV2's 1000-key page, skipping objects that are not nodes, with sizes and times", async () => {
      const backend = backendFor(target, { ...clientOptions(target), bucketName: bucket });
      const pages = await list(backend, {});
      expect(pages.map((p) => p.nodes.length)).toEqual([1_000, 203]);
      expect(pages.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(ids);
      const first = pages[0]!.nodes[0]!;
      expect(first.storedBytes).toBeGreaterThan(0);
      expect(first.timestamp).toBeInstanceOf(Date);
      await backend.close();
    });

    it("resumes after a cursor (the last key) in a new backend object", async () => {
      const one = backendFor(target, { ...clientOptions(target), bucketName: bucket });
      const pages = await list(one, { pageSize: 400 });
      await one.close();
      const two = backendFor(target, { ...clientOptions(target), bucketName: bucket });
      const rest = await list(two, { pageSize: 400, after: pages[1]!.cursor });
      expect(rest.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(ids.slice(800));
      await two.close();
    });
  });
}
