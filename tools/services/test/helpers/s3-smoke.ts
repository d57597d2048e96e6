import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Settings } from "../../src/index.js";

export function s3ClientFor(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    forcePathStyle: true,
    // S3-compatible stores and the current SDK: no default CRC32 checksums / aws-chunked uploads.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** Create a bucket, put/get/head/list/delete objects (single and bulk), delete the bucket. */
export function s3Smoke(label: string, settings: S3Settings | undefined): void {
  describe.skipIf(!settings)(label, () => {
    let client: S3Client;
    const bucket = `smoke-${process.pid}-${Date.now()}`;
    const body = new TextEncoder().encode('{"event_id":"0123456789abcdef0123456789abcdef"}');

    beforeAll(async () => {
      client = s3ClientFor(settings!);
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    afterAll(async () => {
      const left = await client.send(new ListObjectsV2Command({ Bucket: bucket })).catch(() => undefined);
      for (const o of left?.Contents ?? [])
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
      client.destroy();
    });

    it("has the shared bucket `nodestore`", async () => {
      await client.send(new HeadBucketCommand({ Bucket: "nodestore" }));
    });

    it("puts, gets and deletes an object, keeping Content-Encoding", async () => {
      const Key = "nodestore/0123456789abcdef0123456789abcdef";
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body, ContentEncoding: "zstd" }));
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      expect(head.ContentLength).toBe(body.length);
      expect(head.ContentEncoding).toBe("zstd");
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      expect(got.ContentEncoding).toBe("zstd");
      expect(new Uint8Array(await got.Body!.transformToByteArray())).toEqual(body);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      await expect(client.send(new GetObjectCommand({ Bucket: bucket, Key }))).rejects.toBeInstanceOf(
        NoSuchKey,
      );
      // Deleting a missing key succeeds.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
    });

    it("deletes several objects with DeleteObjects", async () => {
      const keys = ["a/1", "a/2", "a/3"];
      for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body }));
      const res = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: false },
        }),
      );
      expect(res.Errors ?? []).toEqual([]);
      const list = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "a/" }));
      expect(list.KeyCount ?? 0).toBe(0);
    });
  });
}
