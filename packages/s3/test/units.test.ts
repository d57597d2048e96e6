import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { compression, DEFAULT_MAX_VALUE_BYTES } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import {
  decodeBody,
  encodeBody,
  fromSentryOptions,
  type KeyLayout,
  keyProblem,
  keysFor,
  LIFECYCLE_RULE_ID,
  MAX_RETRY_DELAY_MS,
  planLifecycle,
  primaryKey,
  retryDelayMs,
  S3Backend,
  S3RetryStrategy,
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
    const long = (n: number) => `${ID}${"-".repeat(n - ID.length)}`;
    expect(keyProblem(l, long(1024 - "nodestore/".length))).toBeUndefined();
    expect(keyProblem(l, long(1025 - "nodestore/".length))).toMatch(/1024-byte/);
    expect(keyProblem(layout(null), "..")).toMatch(/"\.\." path segment/);
    expect(keyProblem(layout("p", true), "ab..cdefg")).toBeUndefined(); // ab/..cd/efg: ok
    expect(keyProblem(layout("p", true), "..abcdefg")).toMatch(/"\.\." path segment/); // ../abcd/efg
  });

  describe('the key rule (issue #10 case 4: SeaweedFS wrote "dd" to "dd/dd" after "dd/q")', () => {
    const layouts = [layout("nodestore"), layout(null), layout("nodestore", true), layout(null, true, true)];
    const b64uuid = (bytes: Buffer) => bytes.toString("base64");

    it('allows "/" only in a legacy base64 id (22 base64 characters, then "==")', () => {
      for (const l of layouts) {
        for (const id of [
          "dd/q",
          "a/b",
          "ab/cdef",
          "abcdef/0123456789abcdef0123456789", // a sharded-looking id
          `${"A".repeat(10)}/${"B".repeat(10)}=`, // 22 characters
          `${"A".repeat(10)}/${"B".repeat(10)}==`, // 23 (the conformance suite had this)
          `${"A".repeat(10)}/${"B".repeat(12)}==`, // 25
          `${"A".repeat(10)}/${"B".repeat(11)}=a`,
          `${"A".repeat(10)}/${"B-".repeat(5)}A==`,
        ]) {
          expect(keyProblem(l, id), id).toMatch(/"\/" is only allowed in a legacy base64 node id/);
        }
        expect(keyProblem(l, "AbC+/xyz12345678901234==")).toBeUndefined();
      }
    });

    it("refuses the slash-free ids that are, or shard to, a folder of another id's key, whatever the layout", () => {
      for (const l of layouts) {
        // 2 code points: the folder "ab/" of every sharded key ab/cdef/…
        for (const id of ["dd", "ab", "a:", "é😀", "--"])
          expect(keyProblem(l, id), id).toMatch(/2 characters/);
        // 6 code points: shards to ab/cdef, the folder of every longer id starting with it
        for (const id of ["abcdef", "ab:cde", "i-o:ab", "😀bcdef"])
          expect(keyProblem(l, id), id).toMatch(/6 characters.*"[^"]+\/[^"]+\/…"/);
        // up to 21 base64 characters: the part of a legacy id before its "/" (AbC+ of AbC+/xyz…==)
        for (const id of ["A", "abc", "AbC+", "abcde", "q", "x".repeat(21), "a+b+c+d"])
          expect(keyProblem(l, id), id).toMatch(/base64 characters|2 characters|6 characters/);
        // 20 base64 characters then "==": sharded, ab/cdef/ghijklmnopqrst== is a legacy id's flat key
        expect(keyProblem(l, `${"abcdefghijklmnopqrst"}==`)).toMatch(/legacy base64 id/);
        // what is left is safe
        for (const id of [
          "x".repeat(22),
          `${"A".repeat(19)}==`,
          `${"A".repeat(21)}==`,
          "_",
          ":",
          "a:b",
          "a-b-c",
          "c-ok",
          "c-notb64",
          "i-o:abc",
          ID,
        ]) {
          expect(keyProblem(l, id), id).toBeUndefined();
        }
      }
    });

    it("accepts every legacy id whose keys have no empty segment: a leading or doubled '/' (and with sharding, '/' at 1, 2, 5 or 6)", () => {
      let refusedFlat = 0;
      let refusedSharded = 0;
      for (let i = 0; i < 5_000; i++) {
        const id = b64uuid(randomBytes(16));
        expect(id).toMatch(/^[A-Za-z0-9+/]{22}==$/);
        const flatBad = id.startsWith("/") || id.includes("//");
        const shardBad = flatBad || [1, 2, 5, 6].some((p) => id[p] === "/");
        expect(keyProblem(layout("nodestore"), id) !== undefined, id).toBe(flatBad);
        expect(keyProblem(layout(null), id) !== undefined, id).toBe(flatBad);
        expect(keyProblem(layout("nodestore", true), id) !== undefined, id).toBe(shardBad);
        if (flatBad) refusedFlat++;
        if (shardBad) refusedSharded++;
      }
      // about 2% and 9% of ancient ids (NodeField, before md5 event ids): what a file-backed server cannot hold
      expect(refusedFlat).toBeLessThan(250);
      expect(refusedSharded).toBeLessThan(700);
    });

    // The proof the rule is enough, by search: from many accepted ids, every name and folder their keys have
    // under either layout is turned back into the ids that would be stored there (the name itself, and the id
    // that shards to it); none of those may be accepted unless it is the same id.
    it("no accepted id is stored under a key, or a folder of a key, of another accepted id (flat and sharded)", () => {
      const flat = layout(null);
      const sharded = layout(null, true);
      const nameLayouts = [flat, sharded];
      const seeds = new Set<string>([ID, `i-o:${ID}`, `e-g-f:${ID}`, `s:1:${ID}`, "bundle_index:1:abc"]);
      const alphabet = "Ab9+/=:-é";
      for (let i = 0; i < 3_000; i++) {
        const legacy = b64uuid(randomBytes(16)).split("");
        legacy[3 + (i % 19)] = "/"; // a "/" at every position the rule may accept
        if (i % 3 === 0) legacy[(i * 7) % 22] = "/";
        seeds.add(legacy.join(""));
        const n = 1 + (i % 26);
        seeds.add(
          Array.from({ length: n }, (_, k) => alphabet[(i * 31 + k * k * 7) % alphabet.length]).join(""),
        );
        seeds.add(
          randomBytes(16)
            .toString("hex")
            .slice(0, 1 + (i % 32)),
        );
      }
      const unshard = (name: string): string | undefined => {
        const parts = name.split("/");
        if (parts.length < 2 || [...parts[0]!].length !== 2) return undefined;
        if (parts.length === 2 && [...parts[1]!].length <= 4) return parts.join("");
        if ([...parts[1]!].length === 4) return parts[0]! + parts[1]! + parts.slice(2).join("/");
        return undefined;
      };
      const folders = (name: string) => {
        const parts = name.split("/");
        return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
      };
      const accepted = (id: string) => nameLayouts.filter((l) => keyProblem(l, id) === undefined);
      let candidates = 0;
      let refused = 0;
      for (const seed of seeds) {
        for (const l of accepted(seed)) {
          const name = primaryKey(l, seed);
          for (const place of [name, ...folders(name)]) {
            for (const other of [place, unshard(place)]) {
              if (other === undefined || other === seed) continue;
              candidates++;
              const ok = accepted(other);
              if (ok.length === 0) refused++;
              for (const ol of ok) expect(primaryKey(ol, other), `${seed} vs ${other}`).not.toBe(place);
            }
          }
        }
      }
      expect(candidates).toBeGreaterThan(10_000);
      expect(refused).toBeGreaterThan(5_000);
    });
  });

  it("checks ids through the backend's idRules, and bucketPath at construction", () => {
    const backend = new S3Backend({ bucketName: "b", endpoint: "http://127.0.0.1:9" });
    expect(backend.idRules.check?.("../etc")).toMatch(/"\/" is only allowed/);
    expect(backend.idRules.check?.("..")).toMatch(/"\.\." path segment/);
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

  it("bounds values by maxValueBytes: core's DEFAULT_MAX_VALUE_BYTES unless set", () => {
    expect(new S3Backend({ bucketName: "b", endpoint: "http://x" }).maxValueBytes).toBe(
      DEFAULT_MAX_VALUE_BYTES,
    );
    expect(new S3Backend({ bucketName: "b", endpoint: "http://x", maxValueBytes: 1000 }).maxValueBytes).toBe(
      1000,
    );
    for (const maxValueBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => new S3Backend({ bucketName: "b", endpoint: "http://x", maxValueBytes })).toThrow(
        RangeError,
      );
    }
  });
});

describe("retries (S3RetryStrategy)", () => {
  const transient = { errorType: "TRANSIENT" } as const;

  it("waits 2^(n-1) x 100 ms to twice that before retry n (throttling: x 500 ms), at most 20 s", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, false, () => 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3].map((n) => retryDelayMs(n, false, () => 0.999_999))).toEqual([199, 399, 799]);
    expect([1, 2].map((n) => retryDelayMs(n, true, () => 0))).toEqual([500, 1000]);
    expect(retryDelayMs(20, false, () => 0.999_999)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
  });

  it("retries transient errors and throttling up to maxAttempts - 1 times, never client errors", async () => {
    const strategy = new S3RetryStrategy(4, 500);
    let token = await strategy.acquireInitialRetryToken("");
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      token = await strategy.refreshRetryTokenForRetry(
        token,
        i === 1 ? { errorType: "THROTTLING" } : transient,
      );
      delays.push(token.getRetryDelay());
    }
    expect(token.getRetryCount()).toBe(3);
    expect(delays[0]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(1000);
    expect(delays[2]).toBeGreaterThanOrEqual(400);
    await expect(strategy.refreshRetryTokenForRetry(token, transient)).rejects.toThrow(/No retry token/);
    const fresh = await strategy.acquireInitialRetryToken("");
    for (const errorType of ["CLIENT_ERROR", "SERVER_ERROR"] as const) {
      await expect(strategy.refreshRetryTokenForRetry(fresh, { errorType })).rejects.toThrow(
        /No retry token/,
      );
    }
    const hinted = await strategy.refreshRetryTokenForRetry(fresh, {
      errorType: "THROTTLING",
      retryAfterHint: new Date(Date.now() + 3_000),
    });
    expect(hinted.getRetryDelay()).toBeGreaterThan(2_000);
  });

  it("stops retrying once the quota is spent (most requests failing) and refills it with successes", async () => {
    const strategy = new S3RetryStrategy(4, 30);
    const first = await strategy.acquireInitialRetryToken("");
    const retried = [];
    for (let i = 0; i < 3; i++) retried.push(await strategy.refreshRetryTokenForRetry(first, transient));
    expect(strategy.capacity).toBe(0);
    await expect(strategy.refreshRetryTokenForRetry(first, transient)).rejects.toThrow(/No retry token/);
    strategy.recordSuccess(retried[0]!); // a retry that worked gives its cost back
    expect(strategy.capacity).toBe(10);
    strategy.recordSuccess(first); // a first try that worked: 1
    expect(strategy.capacity).toBe(11);
  });

  it("is the client's strategy, with a quota covering every socket retrying fully", async () => {
    const b = new S3Backend({ bucketName: "b", endpoint: "http://127.0.0.1:9", maxSockets: 100 });
    const strategy = await b.client.config.retryStrategy();
    expect(strategy).toBeInstanceOf(S3RetryStrategy);
    expect((strategy as S3RetryStrategy).capacity).toBe(10 * 3 * 100);
    await b.close();
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
