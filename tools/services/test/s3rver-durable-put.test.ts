import { statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { s3rverEnv } from "../src/index.js";
import { filesystemStoreClass, useDurablePuts } from "../src/lib/s3rver-durable-put.js";
import { s3ClientFor } from "./helpers/s3-smoke.js";

const MiB = 1024 * 1024;
const S3Object = createRequire(import.meta.url)("s3rver/lib/models/object.js");

// s3rver itself wrote metadata (and answered the PUT) while the object's file still lacked its last chunks:
// about half of these 4 MiB streamed PUTs without the patch.
describe("s3rver answers a PUT only once the object is readable (lib/s3rver-durable-put.js)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "s3rver-durable-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("the object's file holds every byte when s3rver moves on to its metadata, streamed or buffered", async () => {
    const Store = useDurablePuts(filesystemStoreClass());
    const store = new Store(dir);
    await store.putBucket("b");
    const onDisk = new Map<string, number>();
    store.putMetadata = async function (this: typeof store, bucket, key) {
      onDisk.set(key, statSync(this.getResourcePath(bucket, key, "object")).size);
    };
    for (let i = 0; i < 12; i++) {
      const chunks = Array.from({ length: (4 * MiB) / 65536 }, () => Buffer.alloc(65536, i));
      const content = i % 3 === 2 ? Buffer.concat(chunks) : Readable.from(chunks);
      const result = await store.putObject(new S3Object("b", `k/${i}`, content, {}));
      expect(result.size).toBe(4 * MiB);
    }
    expect([...onDisk].filter(([, size]) => size !== 4 * MiB)).toEqual([]);
    expect(onDisk.size).toBe(12);
  });

  const settings = s3rverEnv();
  it.skipIf(!settings)(
    "through the s3rver `pnpm services up` runs: a GET right after each PUT reads it whole",
    async () => {
      const client = s3ClientFor(settings!);
      const bucket = "nodestore";
      const mismatched: string[] = [];
      await Promise.all(
        Array.from({ length: 8 }, async (_, lane) => {
          for (let i = 0; i < 4; i++) {
            const key = `durable-put/${process.pid}/${lane}-${i}`;
            const body = Buffer.alloc(2 * MiB + lane, lane + i);
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
            const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
            const bytes = await got.Body!.transformToByteArray();
            if (!body.equals(bytes)) mismatched.push(`${key}: ${bytes.length} of ${body.length} bytes`);
          }
        }),
      );
      client.destroy();
      expect(mismatched).toEqual([]);
    },
  );
});
