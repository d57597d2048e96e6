import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { s3Env, serviceEnv } from "@nodestore/services";
import { beforeAll, describe, expect, it } from "vitest";
import { type ProvidersBenchResult, runProvidersBench } from "../src/benchmarks/providers/index.js";

// The s3-rtt provider end to end on the services' SeaweedFS through their Toxiproxy, in a tiny run: it must run
// every scenario and every issue #5 comparison through the proxy, then leave no proxy and no bucket behind.
// No timing assertions: the figures are the bench's business.
const toxiproxy = serviceEnv("NODESTORE_TOXIPROXY_URL");
const s3 = s3Env();
const python = serviceEnv("NODESTORE_PYTHON");

describe.skipIf(!toxiproxy || !s3 || !python)("providers bench: s3-rtt (SeaweedFS behind Toxiproxy)", () => {
  let result: ProvidersBenchResult;
  let proxiesBefore: string[];

  // Only the bench's own proxies: other packages' fault tests create and delete theirs on the same Toxiproxy
  // while this runs.
  const proxyNames = async (): Promise<string[]> =>
    Object.keys((await (await fetch(`${toxiproxy}/proxies`)).json()) as Record<string, unknown>).filter((n) =>
      n.startsWith("nsbench-"),
    );

  beforeAll(async () => {
    proxiesBefore = await proxyNames();
    result = await runProvidersBench({
      quick: true,
      providers: ["s3-rtt"],
      count: 20,
      seed: 5,
      runs: 1,
      runMs: 20,
      maxOpsPerRun: 40,
      deleteBatch: 50,
      cleanupNodes: 20,
      concurrency: [1, 4],
      s3RttMs: 4,
      embedded: false,
      env: {
        NODESTORE_S3_ENDPOINT: s3!.endpoint,
        NODESTORE_S3_ACCESS_KEY: s3!.accessKeyId,
        NODESTORE_S3_SECRET_KEY: s3!.secretAccessKey,
        NODESTORE_S3_REGION: s3!.region,
        NODESTORE_S3_KIND: s3!.kind,
        NODESTORE_TOXIPROXY_URL: toxiproxy!,
        NODESTORE_PYTHON: python!,
      },
      outDir: null,
      print: false,
      progress: false,
    });
  }, 120_000);

  it("runs against the S3 endpoint through the proxy, and says so", () => {
    const p = result.providers.find((x) => x.name === "s3-rtt")!;
    expect(p.status, p.line).toBe("ran");
    expect(p.line).toContain(`from NODESTORE_S3_ENDPOINT`);
    expect(p.line).toMatch(/through Toxiproxy at 127\.0\.0\.1:\d+ adding 4 ms per round trip/);
    expect(p.target!.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.target!.endpoint).not.toBe(s3!.endpoint);
    expect(p.errors).toEqual([]);
    for (const sc of p.scenarios) expect(sc.status, `${sc.id}: ${sc.reason}`).toBe("ok");
  });

  it("pairs the issue #5 baselines, the Python plugin's own get_multi among them, through the same proxy", () => {
    const mine = result.comparisons.filter((c) => c.provider === "s3-rtt");
    expect(mine.map((c) => c.id).sort()).toEqual(
      [
        "issue-5-deleteMulti-requests",
        "issue-5-getMulti100-python",
        "issue-5-getMulti100-sdk-loop",
        "issue-5-set-c1",
        "issue-5-set-c4",
        "issue-5-set-inline-codec-c1",
        "issue-5-set-inline-codec-c4",
        "issue-5-set-python-c1",
      ].sort(),
    );
    // The Python plugin serves one call at a time: its write baseline runs at 1 in flight only.
    expect(result.providers[0]!.scenarios.map((x) => x.id)).toContain("python-plugin-set-c1");
    expect(result.providers[0]!.scenarios.map((x) => x.id)).not.toContain("python-plugin-set-c4");
    const py = mine.find((c) => c.id === "issue-5-getMulti100-python")!;
    expect(py.baseline.description).toMatch(/boto3 \d+\.\d+/);
    expect(py.target).toEqual({ of: "ratio", op: ">=", value: 10 });
    expect(result.providers[0]!.notes.join("\n")).not.toContain("no Python plugin baseline");
    for (const c of mine.filter((x) => x.metric === "nodesPerSec")) {
      expect(c.ours.value).toBeGreaterThan(0);
      expect(c.baseline.value).toBeGreaterThan(0);
      expect(c.ratio).not.toBeNull();
    }
    const del = mine.find((c) => c.id === "issue-5-deleteMulti-requests")!;
    expect(del.ours.value).toBe(1);
  });

  it("removes its proxy and its scratch bucket when done", async () => {
    expect(await proxyNames()).toEqual(proxiesBefore);
    const bucket = /bucket (nsbench-[0-9a-f]+-rtt) \(scratch\)/.exec(result.providers[0]!.line)?.[1];
    expect(bucket).toBeDefined();
    const client = new S3Client({
      endpoint: s3!.endpoint,
      region: s3!.region,
      credentials: { accessKeyId: s3!.accessKeyId, secretAccessKey: s3!.secretAccessKey },
      forcePathStyle: true,
    });
    try {
      await expect(client.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    } finally {
      client.destroy();
    }
  });
});
