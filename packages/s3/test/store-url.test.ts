import { InvalidArgumentError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { optionsFromUrl, S3Backend, storeUrl } from "../src/index.js";

const parse = (text: string, env: Record<string, string> = {}) =>
  optionsFromUrl(new URL(text), env) as unknown as Record<string, unknown>;

describe("storeUrl (s3://)", () => {
  it("maps bucket, prefix and parameters onto S3BackendOptions", () => {
    const options = parse(
      "s3://nodestore/nodestore?endpoint=http://seaweedfs:8333&region=eu-west-1&sharding=true&shardingFallback=1" +
        "&compression=false&concurrency=32&retryAttempts=0&ca=/etc/ca.pem&createBucket=true&forcePathStyle=no" +
        "&lifecycleDays=90&listingCleanup=yes&cleanupPageSize=500&connectTimeoutMs=1000&requestTimeoutMs=2000" +
        "&maxSockets=8&maxValueBytes=1048576&requestChecksumCalculation=when_supported" +
        "&responseChecksumValidation=WHEN_REQUIRED&directPut=false",
    );
    expect(options).toEqual({
      bucketName: "nodestore",
      bucketPath: "nodestore",
      endpoint: "http://seaweedfs:8333",
      region: "eu-west-1",
      objectSharding: true,
      objectShardingFallback: true,
      compression: false,
      concurrency: 32,
      retryAttempts: 0,
      caBundlePath: "/etc/ca.pem",
      createBucket: true,
      forcePathStyle: false,
      lifecycleDays: 90,
      listingCleanup: true,
      cleanupPageSize: 500,
      connectTimeoutMs: 1000,
      requestTimeoutMs: 2000,
      maxSockets: 8,
      maxValueBytes: 1048576,
      requestChecksumCalculation: "WHEN_SUPPORTED",
      responseChecksumValidation: "WHEN_REQUIRED",
      directPut: false,
    });
    expect(parse("s3://b")).toEqual({ bucketName: "b", bucketPath: null });
    expect(parse("s3://b/").bucketPath).toBeNull();
    expect(parse("s3://b/a/b/").bucketPath).toBe("a/b");
    expect(parse("s3://b/a%20b").bucketPath).toBe("a b");
    expect(parse("s3://b/p?tlsVerify=false")).toMatchObject({ skipTlsVerify: true });
    expect(parse("s3://b/p?tlsVerify=true").skipTlsVerify).toBeUndefined();
    expect(parse("s3://b/p?tlsVerify=true").caBundlePath).toBeUndefined();
  });

  it("documents every parameter in one line", () => {
    expect(Object.keys(storeUrl.parameters).length).toBeGreaterThanOrEqual(20);
    for (const [name, doc] of Object.entries(storeUrl.parameters)) {
      expect(doc, name).not.toContain("\n");
      expect(doc.length, name).toBeGreaterThan(10);
    }
    expect(storeUrl.schemes).toEqual(["s3"]);
    expect(() => parse(storeUrl.example)).not.toThrow();
  });

  it("takes keys, region, endpoint and CA from the AWS variables; the URL wins", () => {
    const env = {
      AWS_ACCESS_KEY_ID: "AKID",
      AWS_SECRET_ACCESS_KEY: "envsecret",
      AWS_SESSION_TOKEN: "tok",
      AWS_REGION: "ap-south-1",
      AWS_DEFAULT_REGION: "eu-north-1",
      AWS_ENDPOINT_URL_S3: "https://s3.example",
      AWS_ENDPOINT_URL: "https://all.example",
      AWS_CA_BUNDLE: "/etc/aws-ca.pem",
    };
    expect(parse("s3://b/p", env)).toEqual({
      bucketName: "b",
      bucketPath: "p",
      credentials: { accessKeyId: "AKID", secretAccessKey: "envsecret", sessionToken: "tok" },
      region: "ap-south-1",
      endpoint: "https://s3.example",
      caBundlePath: "/etc/aws-ca.pem",
    });
    const { AWS_REGION: _r, AWS_ENDPOINT_URL_S3: _e, AWS_SESSION_TOKEN: _t, ...fallbacks } = env;
    expect(parse("s3://b/p", fallbacks)).toMatchObject({
      credentials: { accessKeyId: "AKID", secretAccessKey: "envsecret" },
      region: "eu-north-1",
      endpoint: "https://all.example",
    });
    expect(
      parse("s3://b/p", { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).endpoint,
    ).toBeUndefined();
    expect(
      parse("s3://ID:url%2Fsecret@b/p?region=us-east-2&endpoint=http://127.0.0.1:9000&ca=/etc/mine.pem", env),
    ).toMatchObject({
      credentials: { accessKeyId: "ID", secretAccessKey: "url/secret" },
      region: "us-east-2",
      endpoint: "http://127.0.0.1:9000",
      caBundlePath: "/etc/mine.pem",
    });
    // URL keys never borrow the environment's session token.
    expect(parse("s3://ID:s@b/p", env).credentials).toEqual({ accessKeyId: "ID", secretAccessKey: "s" });
    // An explicit tlsVerify=false is not overridden by AWS_CA_BUNDLE.
    expect(parse("s3://b/p?tlsVerify=false", env)).toMatchObject({ skipTlsVerify: true });
    expect(parse("s3://b/p?tlsVerify=false", env).caBundlePath).toBeUndefined();
    expect(parse("s3://b/p").credentials).toBeUndefined(); // the SDK's own chain
    // Empty variables count as unset.
    expect(
      parse("s3://b/p", {
        AWS_REGION: "",
        AWS_DEFAULT_REGION: "eu-north-1",
        AWS_ENDPOINT_URL_S3: "",
        AWS_CA_BUNDLE: "",
      }),
    ).toEqual({ bucketName: "b", bucketPath: "p", region: "eu-north-1" });
  });

  it("options from a config file are merged over the URL's", async () => {
    const backend = storeUrl.open(new URL("s3://b/p?endpoint=http://127.0.0.1:1"), {}, { bucketPath: "q" });
    expect((backend as S3Backend).keyFor("0123456789abcdef0123456789abcdef")).toBe(
      "q/0123456789abcdef0123456789abcdef",
    );
    await backend.close?.();
  });

  const secretEnv = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "topsecret" };
  it.each([
    ["s3://ID:topsecret@b/p?endpiont=http://x", {}, /unknown parameter "endpiont"/],
    ["s3://ID:topsecret@b/p?region=a&region=b", {}, /parameter "region" given twice/],
    ["s3://ID:topsecret@b/p?endpoint=seaweedfs:8333", {}, /endpoint must be an http/],
    ["s3://b/p?endpoint=http://ID:topsecret@host:8333", {}, /endpoint must not carry credentials/],
    ["s3:///p", secretEnv, /no bucket/],
    ["s3://ID:topsecret@b:8333/p", {}, /the host is the bucket/],
    ["s3://ID:topsecret@b/p?concurrency=0", {}, /concurrency must be a positive integer/],
    ["s3://ID:topsecret@b/p?sharding=maybe", {}, /sharding must be true or false/],
    ["s3://ID:topsecret@b/p?retryAttempts=-1", {}, /retryAttempts must be 0 or more/],
    ["s3://ID:topsecret@b/p?requestChecksumCalculation=always", {}, /WHEN_REQUIRED or WHEN_SUPPORTED/],
    ["s3://ID:topsecret@b/p?ca=/x.pem&tlsVerify=false", {}, /give ca or tlsVerify=false, not both/],
    [
      "s3://ID:topsecret@b/p?ca=/nonexistent/ca.pem",
      {},
      /caBundlePath "\/nonexistent\/ca.pem" cannot be read/,
    ],
    ["s3://ID:topsecret@b/a//p", {}, /empty/],
    ["s3://ID:top%ZZsecret@b/p", {}, /secret key is not valid percent-encoding/],
    ["s3://:topsecret@b/p", {}, /userinfo must be ACCESS_KEY_ID:SECRET_ACCESS_KEY/],
    ["s3://ID@b/p", {}, /userinfo must be ACCESS_KEY_ID:SECRET_ACCESS_KEY/],
    [
      "s3://b/p",
      { AWS_SECRET_ACCESS_KEY: "topsecret" },
      /AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID/,
    ],
    ["s3://b/p", { AWS_ACCESS_KEY_ID: "AKID" }, /AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY/],
    ["s3://b/p?maxValueBytes=x", secretEnv, /maxValueBytes must be a positive integer/],
  ])("refuses %s in one line without the secret", (text, env, reason) => {
    let error: unknown;
    try {
      storeUrl.open(new URL(text), env);
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
