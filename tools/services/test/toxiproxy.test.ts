import { randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLatencyProxy, type LatencyProxy, s3Env, serviceEnv } from "../src/index.js";
import { s3ClientFor } from "./helpers/s3-smoke.js";

// NODESTORE_TOXIPROXY_URL (pnpm services up) in front of SeaweedFS: what the S3 bench's RTT-shaped run uses.
const api = serviceEnv("NODESTORE_TOXIPROXY_URL");
const s3 = s3Env();

describe.skipIf(!api || !s3)("createLatencyProxy (Toxiproxy in front of SeaweedFS)", () => {
  let proxy: LatencyProxy;
  let client: S3Client;
  const bucket = `toxi-${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    proxy = await createLatencyProxy({ api: api!, upstream: new URL(s3!.endpoint).host, rttMs: 20 });
    client = s3ClientFor({ ...s3!, endpoint: `http://${proxy.listen}` });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await client?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    client?.destroy();
    await proxy?.remove();
  });

  it("puts half the round trip on each direction", async () => {
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.rttMs).toBe(20);
    const toxics = await proxy.toxics();
    const byStream = Object.fromEntries(toxics.map((t) => [t.stream, t]));
    expect(Object.keys(byStream).sort()).toEqual(["downstream", "upstream"]);
    for (const t of toxics) {
      expect(t.type).toBe("latency");
      expect(t.attributes.latency).toBe(10);
    }
  });

  it("carries a body of many chunks through unchanged, both ways", async () => {
    const body = randomBytes(700_000);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "big", Body: body }));
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: "big" }));
    const back = await out.Body!.transformToByteArray();
    expect(Buffer.from(back).equals(body)).toBe(true);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: "big" }));
  });

  it("refuses a negative or non-numeric RTT before calling the API", async () => {
    await expect(createLatencyProxy({ api: api!, upstream: "127.0.0.1:1", rttMs: -1 })).rejects.toThrow(
      RangeError,
    );
    await expect(
      createLatencyProxy({ api: api!, upstream: "127.0.0.1:1", rttMs: Number.NaN }),
    ).rejects.toThrow(RangeError);
  });

  it("remove() deletes the proxy and can be called twice", async () => {
    const p = await createLatencyProxy({ api: api!, upstream: "127.0.0.1:1", rttMs: 0 });
    const before = await fetch(`${api}/proxies/${p.name}`);
    expect(before.status).toBe(200);
    await p.remove();
    await p.remove();
    const after = await fetch(`${api}/proxies/${p.name}`);
    expect(after.status).toBe(404);
  });
});
