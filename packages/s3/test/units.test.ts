import { S3Client } from "@aws-sdk/client-s3";
import { compression } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import {
  decodeBody,
  encodeBody,
  fromSentryOptions,
  type KeyLayout,
  keyProblem,
  keysFor,
  LIFECYCLE_RULE_ID,
  planLifecycle,
  primaryKey,
  S3Backend,
  shardedId,
} from "../src/index.js";
import { utf8 } from "./helpers.js";

const layout = (bucketPath: string | null, sharding = false, shardingFallback = false): KeyLayout => ({
  bucketPath,
  sharding,
  shardingFallback,
});
const ID = "abcdef0123456789abcdef0123456789";

describe("object keys (getsentry/sentry-nodestore-s3 layout)", () => {
  it("prefixes with bucketPath + '/' or uses the bare id", () => {
    expect(primaryKey(layout("nodestore"), ID)).toBe(`nodestore/${ID}`);
    expect(primaryKey(layout(null), ID)).toBe(ID);
    expect(primaryKey(layout("a/b"), "i-o:x")).toBe("a/b/i-o:x");
  });

  it("shards as id[0:2]/id[2:6]/id[6:], dropping empty parts (the example of PR #9)", () => {
    expect(shardedId(ID)).toBe("ab/cdef/0123456789abcdef0123456789");
    expect(primaryKey(layout("nodestore", true), ID)).toBe("nodestore/ab/cdef/0123456789abcdef0123456789");
    expect(shardedId("a")).toBe("a");
    expect(shardedId("abc")).toBe("ab/c");
    expect(shardedId("abcdef")).toBe("ab/cdef");
    expect(shardedId("abcdefg")).toBe("ab/cdef/g");
    // Python slices code points, not UTF-16 units
    expect(shardedId("😀é12345")).toBe("😀é/1234/5");
  });

  it("lists the sharded key then the flat one with the fallback", () => {
    expect(keysFor(layout("p", true, true), ID)).toEqual([`p/${shardedId(ID)}`, `p/${ID}`]);
    expect(keysFor(layout("p", true, false), ID)).toEqual([`p/${shardedId(ID)}`]);
    expect(keysFor(layout("p", false, true), ID)).toEqual([`p/${ID}`]);
    expect(keysFor(layout(null, true, true), "ab")).toEqual(["ab"]);
  });

  it("accepts every id shape Sentry writes", () => {
    for (const l of [layout("nodestore"), layout(null), layout("nodestore", true, true)]) {
      for (const id of [
        ID,
        `i-o:${ID}`,
        `e-g-f:${ID}`,
        `s:1:${ID}`,
        "bundle_index:1:abc",
        "AbC+/xyz12345678901234==",
      ]) {
        expect(keyProblem(l, id), id).toBeUndefined();
      }
    }
  });

  it("refuses ids that would leave the prefix, collide on file-backed servers, or are not keys", () => {
    const l = layout("nodestore");
    for (const id of [
      "",
      "..",
      ".",
      "../x",
      "a/../b",
      "a/./b",
      "/abs",
      "a//b",
      "trailing/",
      "x/..",
      "nul\0",
      "tab\t",
      "\ud800",
    ]) {
      expect(keyProblem(l, id), JSON.stringify(id)).toBeTypeOf("string");
    }
    expect(keyProblem(l, "x".repeat(1024 - "nodestore/".length))).toBeUndefined();
    expect(keyProblem(l, "x".repeat(1025 - "nodestore/".length))).toMatch(/1024-byte/);
    expect(keyProblem(layout(null), "..")).toMatch(/\.\./);
    // with sharding, both the sharded and (with the fallback) the flat key are checked
    expect(keyProblem(layout("p", true), "ab/cdef")).toMatch(/empty path segment/); // ab//cdef
    expect(keyProblem(layout("p", true), "ab..cd")).toBeUndefined(); // ab/..cd: ok
    expect(keyProblem(layout("p", true), "a/..b")).toMatch(/empty|\.\./);
  });

  it("checks ids through the backend's idRules, and bucketPath at construction", () => {
    const backend = new S3Backend({ bucketName: "b", endpoint: "http://127.0.0.1:9" });
    expect(backend.idRules.check?.("../etc")).toMatch(/\.\./);
    expect(backend.keyFor(ID)).toBe(`nodestore/${ID}`);
    for (const bucketPath of ["", "/x", "x/", "a//b", "a/../b"]) {
      expect(() => new S3Backend({ bucketName: "b", bucketPath, endpoint: "http://127.0.0.1:9" })).toThrow(
        TypeError,
      );
    }
    expect(() => new S3Backend({ bucketName: "" })).toThrow(TypeError);
  });
});

describe("client options", () => {
  it("takes either a client or client options, not both", () => {
    const client = new S3Client({ region: "us-east-1" });
    expect(() => new S3Backend({ bucketName: "b", client, endpoint: "http://x" })).toThrow(/either `client`/);
    expect(() => new S3Backend({ bucketName: "b", client: {} as S3Client })).toThrow(/S3Client/);
    expect(new S3Backend({ bucketName: "b", client }).client).toBe(client);
    client.destroy();
  });

  it("maps retryAttempts (retries after the first try) to maxAttempts = retries + 1, and checks numbers", async () => {
    const b = new S3Backend({ bucketName: "b", endpoint: "http://127.0.0.1:9", retryAttempts: 5 });
    expect(await b.client.config.maxAttempts()).toBe(6);
    expect(
      await new S3Backend({ bucketName: "b", endpoint: "http://127.0.0.1:9" }).client.config.maxAttempts(),
    ).toBe(4);
    expect(b.client.config.forcePathStyle).toBe(true);
    expect(await b.client.config.region()).toBe("us-east-1");
    expect(await b.client.config.requestChecksumCalculation()).toBe("WHEN_REQUIRED");
    expect(await b.client.config.responseChecksumValidation()).toBe("WHEN_REQUIRED");
    await b.close();
    expect(() => new S3Backend({ bucketName: "b", endpoint: "http://x", retryAttempts: -1 })).toThrow(
      RangeError,
    );
    expect(() => new S3Backend({ bucketName: "b", endpoint: "http://x", concurrency: 0 })).toThrow(
      RangeError,
    );
    expect(
      () => new S3Backend({ bucketName: "b", endpoint: "http://x", caBundlePath: "/nonexistent.pem" }),
    ).toThrow(/caBundlePath/);
  });
});

describe("object body", () => {
  const json = utf8(`{"event_id":"${ID}","message":"${"hello ".repeat(50)}"}`);

  it("is a python-zstandard-compatible zstd frame, flagged zstd, when not longer than the raw bytes", () => {
    const { body, contentEncoding } = encodeBody(json, true);
    expect(contentEncoding).toBe("zstd");
    expect([...body.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
    // frame header descriptor: content size flag set (bits 6-7 non-zero, or single-segment)
    const fhd = body[4]!;
    expect(fhd >> 6 !== 0 || (fhd & 0x20) !== 0).toBe(true);
    expect(body.byteLength).toBeLessThan(json.byteLength);
    expect(Buffer.from(decodeBody(body, "zstd")).equals(Buffer.from(json))).toBe(true);
  });

  it("is the raw bytes, with no encoding, when compression would grow it or is off", () => {
    for (const small of [utf8("{}"), new Uint8Array(0), utf8('{"a":1}')]) {
      const out = encodeBody(small, true);
      expect(out.contentEncoding).toBeUndefined();
      expect(out.body).toBe(small);
    }
    expect(encodeBody(json, false)).toEqual({ body: json, contentEncoding: undefined });
  });

  it("keeps a compressed body exactly as long as the raw bytes compressed (the <= rule)", () => {
    // find bytes whose frame is exactly as long as they are
    for (let n = 1; n < 64; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) % 251);
      const frame = compression.zstd.compress(bytes);
      const out = encodeBody(bytes, true);
      expect(out.contentEncoding, `n=${n}`).toBe(frame.byteLength <= n ? "zstd" : undefined);
    }
  });

  it("decodes only for exactly 'zstd' and a body with the zstd magic", () => {
    const frame = compression.zstd.compress(json);
    for (const enc of [undefined, "", "gzip", "ZSTD", "zstd, identity", " zstd"]) {
      expect(decodeBody(frame, enc), String(enc)).toBe(frame);
    }
    // header says zstd but an HTTP layer already decoded the body
    expect(decodeBody(json, "zstd")).toBe(json);
  });
});

describe("lifecycle rule", () => {
  const other = {
    ID: "keep-me",
    Status: "Enabled" as const,
    Filter: { Prefix: "tmp/" },
    Expiration: { Days: 1 },
  };

  it("adds Sentry-Nodestore-Rule (whole bucket) and keeps other rules", () => {
    const plan = planLifecycle([other], 90);
    expect(plan.rules).toEqual([
      other,
      { ID: LIFECYCLE_RULE_ID, Status: "Enabled", Filter: {}, Expiration: { Days: 90 } },
    ]);
    expect(plan.previousDays).toBeUndefined();
  });

  it("updates Days in place when the retention changed (self-hosted#4028), and does nothing when it did not", () => {
    const ours = { ID: LIFECYCLE_RULE_ID, Status: "Enabled" as const, Filter: {}, Expiration: { Days: 90 } };
    expect(planLifecycle([ours, other], 90).rules).toBeUndefined();
    const plan = planLifecycle([ours, other], 30);
    expect(plan.previousDays).toBe(90);
    expect(plan.rules).toEqual([{ ...ours, Expiration: { Days: 30 } }, other]);
    expect(planLifecycle([{ ...ours, Status: "Disabled" }], 90).rules?.[0]?.Status).toBe("Enabled");
  });

  it("adopts a plain whole-bucket expiration rule whose ID the server did not keep", () => {
    const anonymous = {
      ID: "rule-1",
      Status: "Enabled" as const,
      Filter: { Prefix: "" },
      Expiration: { Days: 90 },
    };
    expect(planLifecycle([other, anonymous], 90).rules).toBeUndefined();
    expect(planLifecycle([other, anonymous], 14).rules).toEqual([
      other,
      { ID: LIFECYCLE_RULE_ID, Status: "Enabled", Filter: {}, Expiration: { Days: 14 } },
    ]);
  });
});

describe("fromSentryOptions (SENTRY_NODESTORE_OPTIONS)", () => {
  it("translates self-hosted's example config", () => {
    const out = fromSentryOptions(
      {
        compression: true,
        endpoint_url: "http://seaweedfs:8333",
        bucket_path: "nodestore",
        bucket_name: "nodestore",
        region_name: "us-east-1",
        aws_access_key_id: "sentry",
        aws_secret_access_key: "sentry",
        read_through: true,
        delete_through: true,
      },
      {},
    );
    expect(out).toEqual({
      s3: {
        bucketName: "nodestore",
        bucketPath: "nodestore",
        compression: true,
        retryAttempts: 3,
        objectSharding: false,
        objectShardingFallback: false,
        endpoint: "http://seaweedfs:8333",
        region: "us-east-1",
        credentials: { accessKeyId: "sentry", secretAccessKey: "sentry" },
        skipTlsVerify: false,
      },
      readThrough: true,
      writeThrough: false,
      deleteThrough: true,
    });
  });

  it("keeps the Python defaults: no bucket_path = no prefix, DEFAULT_CA_BUNDLE", () => {
    const out = fromSentryOptions(
      { bucket_name: "b", object_sharding: true },
      { DEFAULT_CA_BUNDLE: "/ca.pem" },
    );
    expect(out.s3.bucketPath).toBeNull();
    expect(out.s3.caBundlePath).toBe("/ca.pem");
    expect(out.s3.objectSharding).toBe(true);
    expect(out.s3.compression).toBe(true);
  });

  it("refuses what it cannot honour", () => {
    expect(() => fromSentryOptions({ bucket_name: "b", signature_version: "s3" }, {})).toThrow(/SigV4/);
    expect(() => fromSentryOptions({ bucket_name: "b", bucket_pth: "x" } as never, {})).toThrow(/bucket_pth/);
    expect(() => fromSentryOptions({ bucket_name: "b", aws_access_key_id: "x" }, {})).toThrow(/both/);
    expect(() => fromSentryOptions({}, {})).toThrow(/bucket_name/);
  });
});
