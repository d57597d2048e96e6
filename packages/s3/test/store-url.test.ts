import { InvalidArgumentError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { optionsFromUrl, S3Backend, storeUrl } from "../src/index.js";

const parse = (text: string, env: Record<string, string> = {}) =>
  optionsFromUrl(new URL(text), env) as unknown as Record<string, unknown>;

describe("storeUrl (s3://)", () => {
  it("maps bucket, prefix and parameters onto S3BackendOptions", () => {
    const options = parse(
      "s3://nodestore/nodestore?endpoint=http://seaweedfs:8333&region=eu-west-1&sharding=true&shardingFallback=1&compression=false&concurrency=32&retryAttempts=0&tlsVerify=false&ca=/etc/ca.pem&createBucket=true",
    );
    expect(options).toMatchObject({
      bucketName: "nodestore",
      bucketPath: "nodestore",
      endpoint: "http://seaweedfs:8333",
      region: "eu-west-1",
      objectSharding: true,
      objectShardingFallback: true,
      compression: false,
      concurrency: 32,
      retryAttempts: 0,
      skipTlsVerify: true,
      caBundlePath: "/etc/ca.pem",
      createBucket: true,
    });
    expect(parse("s3://b").bucketPath).toBeNull();
    expect(parse("s3://b/a/b/").bucketPath).toBe("a/b");
  });

  it("takes keys, region and endpoint from the AWS variables; the URL wins", () => {
    const env = {
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "envsecret",
      AWS_SESSION_TOKEN: "tok",
      AWS_REGION: "ap-south-1",
      AWS_ENDPOINT_URL: "https://s3.example",
    };
    expect(parse("s3://b/p", env)).toMatchObject({
      credentials: { accessKeyId: "AKID", secretAccessKey: "envsecret", sessionToken: "tok" },
      region: "ap-south-1",
      endpoint: "https://s3.example",
    });
    expect(parse("s3://ID:urlsecret@b/p?region=us-east-2", env)).toMatchObject({
      credentials: { accessKeyId: "ID", secretAccessKey: "urlsecret" },
      region: "us-east-2",
    });
    expect(parse("s3://b/p").credentials).toBeUndefined(); // the SDK's own chain
  });

  it.each([
    ["s3://ID:topsecret@b/p?endpiont=http://x", /unknown parameter "endpiont"/],
    ["s3://ID:topsecret@b/p?endpoint=seaweedfs:8333", /endpoint must be an http/],
    ["s3://ID:topsecret@b:8333/p", /the host is the bucket/],
    ["s3://ID:topsecret@b/p?concurrency=0", /concurrency must be a positive integer/],
    ["s3://ID:topsecret@b/p?sharding=maybe", /sharding must be true or false/],
    ["s3://ID:topsecret@b/p?retryAttempts=-1", /retryAttempts must be 0 or more/],
  ])("refuses %s in one line without the secret", (text, reason) => {
    let error: unknown;
    try {
      storeUrl.open(new URL(text), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain("topsecret");
    expect((error as Error).message).not.toContain("\n");
  });

  it("opens an S3Backend", async () => {
    const backend = storeUrl.open(new URL("s3://b/p?endpoint=http://127.0.0.1:1"), {});
    expect(backend).toBeInstanceOf(S3Backend);
    expect((backend as S3Backend).keyFor("x1")).toBe("p/x1");
    await backend.close?.();
  });
});
