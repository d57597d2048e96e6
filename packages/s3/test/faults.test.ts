// Faults S3 servers do not produce on demand, from a local HTTP server speaking just enough S3, through the
// real SDK and our client settings (retries, timeouts, checksums). Not a model of S3 semantics: those are
// tested against real servers in the other files.
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  BackendError,
  BackendUnavailableError,
  CorruptNodeError,
  compression,
  NodeStore,
} from "@nodestore/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { S3Backend, type S3BackendOptions, S3DeleteError } from "../src/index.js";
import { countRequests, hex, utf8 } from "./helpers.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let endpoint: string;
let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const r = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(parts),
      };
      seen.push(r);
      handler(r, res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
  for (const s of sockets) s.destroy(); // hung requests
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const ID = "0123456789abcdef0123456789abcdef";

/**
 * Checks a request's SigV4 Authorization the way S3 does, written from the AWS specification (not from the SDK):
 * canonical request over the signed headers, the path exactly as sent, the payload hash header.
 */
function verifySigV4(r: Seen, secret: string): boolean {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(r.headers.authorization),
    );
  if (auth === null) return false;
  const [, , day, region, signedHeaders, signature] = auth;
  const [path, query = ""] = r.url.split("?");
  const names = signedHeaders!.split(";");
  const canonicalHeaders = names.map((n) => `${n}:${String(r.headers[n]).trim()}\n`).join("");
  const canonicalQuery = query
    .split("&")
    .filter(Boolean)
    .map((p) => (p.includes("=") ? p : `${p}=`))
    .sort()
    .join("&");
  const payload = String(r.headers["x-amz-content-sha256"]);
  if (payload !== createHash("sha256").update(r.body).digest("hex")) return false;
  const canonical = [r.method, path, canonicalQuery, canonicalHeaders, signedHeaders, payload].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = [
    "AWS4-HMAC-SHA256",
    r.headers["x-amz-date"],
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), region!), "s3"), "aws4_request");
  return createHmac("sha256", key).update(toSign).digest("hex") === signature;
}

function backend(extra: Partial<S3BackendOptions> = {}): S3Backend {
  return new S3Backend({
    bucketName: "b",
    endpoint,
    credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "super-secret-key-value" },
    connectTimeoutMs: 500,
    requestTimeoutMs: 2_000,
    ...extra,
  });
}

function s3Error(res: ServerResponse, status: number, code: string, message = code): void {
  res.writeHead(status, { "content-type": "application/xml" });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>r1</RequestId></Error>`,
  );
}

function object(res: ServerResponse, body: Uint8Array, encoding?: string): void {
  res.writeHead(200, {
    "content-type": "binary/octet-stream",
    "content-length": String(body.byteLength),
    ...(encoding === undefined ? {} : { "content-encoding": encoding }),
  });
  res.end(Buffer.from(body));
}

describe("retries (retryAttempts = retries after the first try, as boto3)", () => {
  it("retries 503 SlowDown and then succeeds", async () => {
    let failures = 2;
    handler = (_req, res) => (failures-- > 0 ? s3Error(res, 503, "SlowDown") : object(res, utf8('{"ok":1}')));
    const b = backend({ retryAttempts: 3 });
    const count = countRequests(b.client, "attempts");
    expect(new TextDecoder().decode((await b.getBytes(ID))!)).toBe('{"ok":1}');
    expect(count.total()).toBe(3);
    expect(seen.map((r) => r.headers["amz-sdk-request"])).toEqual([
      "attempt=1; max=4",
      "attempt=2; max=4",
      "attempt=3; max=4",
    ]);
    await b.close();
  });

  it("gives up after retryAttempts + 1 requests with BackendUnavailableError", async () => {
    handler = (_req, res) => s3Error(res, 503, "SlowDown", "Please reduce your request rate.");
    const b = backend({ retryAttempts: 2 });
    const error = await b.setBytes(ID, utf8("{}")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/SlowDown \(HTTP 503\), after 3 attempts/);
    expect((error as Error).message).toContain(`"b/nodestore/${ID}"`);
    expect(seen).toHaveLength(3);
    await b.close();
  });

  it("does not retry a 403 and reports BackendError with the code and a hint, never the secret", async () => {
    handler = (_req, res) => s3Error(res, 403, "AccessDenied", "Access Denied");
    const b = backend();
    const error = await b.getBytes(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendError).id).toBe(ID);
    expect((error as Error).message).toMatch(/AccessDenied \(HTTP 403\).*IAM policy/);
    expect((error as Error).message).not.toContain("super-secret-key-value");
    expect(seen).toHaveLength(1);
    await b.close();
  });

  it("reports a missing bucket as BackendError, not as a missing node", async () => {
    handler = (_req, res) => s3Error(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    const b = backend();
    await expect(b.getBytes(ID)).rejects.toThrow(/NoSuchBucket.*createBucket/);
    await b.close();
  });
});

describe("timeouts", () => {
  it("fails a request that hangs past requestTimeoutMs with BackendUnavailableError", async () => {
    handler = () => {}; // never answers
    const b = backend({ requestTimeoutMs: 500, retryAttempts: 1 });
    const error = await b.getBytes(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/timed out/);
    expect(seen).toHaveLength(2); // a timeout is retried like any transient fault
    await b.close();
  }, 10_000);

  it("fails a body that stalls mid-way after retrying the GET", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write(Buffer.alloc(10, 0x7b)); // then silence
    };
    const b = backend({ requestTimeoutMs: 500, retryAttempts: 1 });
    const error = await b.getBytes(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/timed out while receiving the body.*after 2 attempts/);
    expect(seen).toHaveLength(2);
    await b.close();
  }, 10_000);

  it("fails fast when nothing listens", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const b = backend({ endpoint: `http://127.0.0.1:${port}`, retryAttempts: 1 });
    const error = await b.getBytes(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    await b.close();
  });
});

/** Sends the headers of a `body.length`-byte object and its first `sent` bytes, then resets the connection. */
function cutMidBody(res: ServerResponse, body: Uint8Array, sent: number): void {
  res.writeHead(200, { "content-type": "binary/octet-stream", "content-length": String(body.byteLength) });
  res.write(Buffer.from(body.subarray(0, sent)), () => setTimeout(() => res.socket?.resetAndDestroy(), 5));
}

// Deterministic: this server cuts exactly after the headers and part of the body. The same fault through a
// real server and Toxiproxy is in toxiproxy.test.ts.
describe("a connection reset while the body is read (issue #10 case 10)", () => {
  const body = utf8(`{"event":"${"e".repeat(4000)}"}`);
  const keyOf = (url: string) => decodeURIComponent(url.split("?")[0]!.replace(/^\/b\//, ""));

  it("retries the whole GET, and the node is served", async () => {
    const tries = new Map<string, number>();
    handler = (req, res) => {
      const n = (tries.get(req.url) ?? 0) + 1;
      tries.set(req.url, n);
      if (n === 1) cutMidBody(res, body, 1000);
      else object(res, body);
    };
    const b = backend();
    expect(hex(await b.getBytes(ID))).toBe(hex(body));
    expect(seen.map((r) => keyOf(r.url))).toEqual([`nodestore/${ID}`, `nodestore/${ID}`]);
    await b.close();
  });

  it("a getMulti whose every first response is cut serves every node", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `${ID.slice(0, 30)}${String(i).padStart(2, "0")}`);
    const tries = new Map<string, number>();
    handler = (req, res) => {
      const n = (tries.get(req.url) ?? 0) + 1;
      tries.set(req.url, n);
      const id = keyOf(req.url).slice("nodestore/".length);
      const own = utf8(`{"id":"${id}","pad":"${"p".repeat(3000)}"}`);
      if (n === 1) cutMidBody(res, own, 500);
      else object(res, own);
    };
    const store = new NodeStore(backend({ concurrency: 8 }));
    const got = await store.getMulti(ids);
    for (const id of ids) expect((got.get(id) as { id: string } | null)?.id, id).toBe(id);
    expect(seen).toHaveLength(100);
    await store.close();
  });

  it("cut every time: BackendUnavailableError (retryable) naming the key, after retryAttempts + 1 GETs", async () => {
    handler = (_req, res) => cutMidBody(res, body, 1000);
    for (const retryAttempts of [0, 2]) {
      seen.length = 0;
      const b = backend({ retryAttempts });
      const started = Date.now();
      const error = await b.getBytes(ID).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as BackendUnavailableError).retryable).toBe(true);
      expect((error as Error).message).toContain(`"b/nodestore/${ID}"`);
      expect((error as Error).message).toMatch(
        new RegExp(`ECONNRESET while receiving the body: aborted, after ${retryAttempts + 1} attempts?`),
      );
      expect(seen).toHaveLength(retryAttempts + 1);
      expect(Date.now() - started).toBeLessThan(10_000); // settled, did not hang
      await b.close();
    }
  });

  it("a response that is not a transport failure is not retried (403 before the body)", async () => {
    handler = (_req, res) => s3Error(res, 403, "AccessDenied", "Access Denied");
    const b = backend();
    await expect(b.getBytes(ID)).rejects.toThrow(/AccessDenied/);
    expect(seen).toHaveLength(1);
    await b.close();
  });
});

describe("bodies the server sends back", () => {
  it("a corrupt zstd body is a CorruptNodeError naming the id and the key", async () => {
    const frame = compression.zstd.compress(utf8(`{"a":"${"x".repeat(200)}"}`));
    const corrupt = Uint8Array.from(frame);
    corrupt.fill(0xee, 6); // magic intact, frame garbage
    handler = (_req, res) => object(res, corrupt, "zstd");
    const b = backend();
    const error = await b.getBytes(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).id).toBe(ID);
    expect((error as CorruptNodeError).layer).toBe("zstd");
    expect((error as Error).message).toContain(`b/nodestore/${ID}`);
    const viaStore = await new NodeStore(b).get(ID).catch((e: unknown) => e);
    expect(viaStore).toBeInstanceOf(CorruptNodeError);
    expect((viaStore as CorruptNodeError).id).toBe(ID);
    await b.close();
  });

  it("garbage flagged zstd without the magic is taken as already decoded; the store then names the id", async () => {
    handler = (_req, res) => object(res, Uint8Array.from([1, 2, 3, 4, 5]), "zstd");
    const b = backend();
    expect([...(await b.getBytes(ID))!]).toEqual([1, 2, 3, 4, 5]);
    const error = await new NodeStore(b).get(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptNodeError);
    expect((error as CorruptNodeError).id).toBe(ID);
    await b.close();
  });

  it("an object an HTTP layer already decoded (header kept, body plain JSON) reads as is", async () => {
    handler = (_req, res) => object(res, utf8('{"decoded":true}'), "zstd");
    const b = backend();
    expect(await new NodeStore(b).get(ID)).toEqual({ decoded: true });
    await b.close();
  });
});

describe("what goes on the wire", () => {
  for (const directPut of [true, false]) {
    it(`PUT ${directPut ? "(direct)" : "(through the SDK)"} sends no flexible checksum and no aws-chunked (SeaweedFS breakage); zstd only when worth it`, async () => {
      handler = (_req, res) => res.writeHead(200, { etag: '"x"' }).end();
      const b = backend({ directPut });
      await b.setBytes(ID, utf8(`{"m":"${"y".repeat(300)}"}`));
      await b.setBytes(ID, utf8("{}"));
      const [zstd, raw] = seen;
      for (const r of [zstd!, raw!]) {
        expect(r.method).toBe("PUT");
        expect(
          Object.keys(r.headers).filter((h) => h.startsWith("x-amz-checksum") || h === "x-amz-trailer"),
        ).toEqual([]);
        expect(r.headers["x-amz-content-sha256"]).toMatch(/^[0-9a-f]{64}$/);
        expect(r.headers["transfer-encoding"]).toBeUndefined();
      }
      expect(zstd!.headers["content-encoding"]).toBe("zstd");
      expect([...zstd!.body.subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);
      expect(raw!.headers["content-encoding"]).toBeUndefined();
      expect(raw!.body.toString()).toBe("{}");
      expect(zstd!.url).toBe(directPut ? `/b/nodestore/${ID}` : `/b/nodestore/${ID}?x-id=PutObject`);
      for (const r of [zstd!, raw!]) expect(verifySigV4(r, "super-secret-key-value"), r.url).toBe(true);
      await b.close();
    });
  }

  it("a direct PUT is signed as S3 checks it: odd key characters, a session token, a base path in the endpoint", async () => {
    handler = (_req, res) => res.writeHead(200, { etag: '"x"' }).end();
    const b = new S3Backend({
      bucketName: "b",
      bucketPath: "a b+c~!'()*/é",
      endpoint: `${endpoint}/base/`,
      credentials: {
        accessKeyId: "AKIDTEST",
        secretAccessKey: "super-secret-key-value",
        sessionToken: "tok/en+=",
      },
    });
    await b.setBytes(ID, utf8("{}"));
    const [r] = seen;
    // The key encoding the SDK's own PutObject sends for the same key.
    expect(r!.url).toBe(`/base/b/a%20b%2Bc~%21%27%28%29%2A/%C3%A9/${ID}`);
    expect(r!.headers["x-amz-security-token"]).toBe("tok/en+=");
    expect(r!.headers["content-type"]).toBe("application/octet-stream");
    expect(verifySigV4(r!, "super-secret-key-value")).toBe(true);
    expect(verifySigV4(r!, "another-secret")).toBe(false);
    await b.close();
  });

  it("direct PUT: 503 SlowDown twice then 200 is three PUTs; a 403 is one, a BackendError with its hint", async () => {
    let failures = 2;
    handler = (_req, res) => (failures-- > 0 ? s3Error(res, 503, "SlowDown") : res.writeHead(200).end());
    const b = backend({ retryAttempts: 3 });
    const count = countRequests(b.client, "attempts"); // the test helper sees direct PUTs too
    await b.setBytes(ID, utf8("{}"));
    expect(seen.map((r) => r.method)).toEqual(["PUT", "PUT", "PUT"]);
    expect(count.counts.get("PutObjectCommand (direct)")).toBe(3);
    seen.length = 0;
    handler = (_req, res) => s3Error(res, 403, "AccessDenied", "Access &amp; Denied");
    const error = await b.setBytes(ID, utf8("{}")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendError).id).toBe(ID);
    expect((error as Error).message).toMatch(
      /AccessDenied \(HTTP 403\) on "b\/nodestore\/0123.*": Access & Denied; .*IAM policy/,
    );
    expect((error as Error).message).not.toContain("super-secret-key-value");
    expect(seen).toHaveLength(1);
    await b.close();
  });

  it("direct PUT: a server that never answers is a BackendUnavailableError after retryAttempts + 1 tries", async () => {
    handler = () => {}; // never answers
    const b = backend({ requestTimeoutMs: 300, retryAttempts: 1 });
    const error = await b.setBytes(ID, utf8("{}")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/write "b\/nodestore\/0123.*" timed out.*after 2 attempts/);
    expect(seen).toHaveLength(2);
    await b.close();
  }, 10_000);

  it("AWS itself, a client of your own, or directPut: false keep the SDK's PutObject", async () => {
    handler = (_req, res) => res.writeHead(200, { etag: '"x"' }).end();
    const own = backend().client;
    for (const b of [backend({ directPut: false }), new S3Backend({ bucketName: "b", client: own })]) {
      await b.setBytes(ID, utf8("{}"));
      await b.close();
    }
    expect(seen.map((r) => r.url)).toEqual([
      `/b/nodestore/${ID}?x-id=PutObject`,
      `/b/nodestore/${ID}?x-id=PutObject`,
    ]);
    own.destroy();
  });

  it("DeleteObjects carries Content-MD5 (and the CRC32 the SDK requires)", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>');
    };
    const b = backend();
    await b.deleteMulti([ID, `${ID}x`]);
    expect(seen).toHaveLength(1);
    const r = seen[0]!;
    expect(r.method).toBe("POST");
    expect(r.headers["content-md5"]).toBe(createHash("md5").update(r.body).digest("base64"));
    expect(r.headers["x-amz-checksum-crc32"]).toBeTypeOf("string");
    expect(r.body.toString()).toContain("<Quiet>true</Quiet>");
    await b.close();
  });

  it("DeleteObjects per-key errors are an S3DeleteError listing the keys; NoSuchKey is ignored", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><DeleteResult>' +
          `<Error><Key>nodestore/${ID}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>` +
          `<Error><Key>nodestore/gone</Key><Code>NoSuchKey</Code><Message>missing</Message></Error>` +
          "</DeleteResult>",
      );
    };
    const b = backend();
    const error = await b.deleteMulti([ID, "gone", "fine"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3DeleteError);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as S3DeleteError).failures).toEqual([
      { key: `nodestore/${ID}`, id: ID, code: "AccessDenied", message: "Access Denied" },
    ]);
    expect((error as Error).message).toMatch(
      /1 of 3 objects in bucket "b" were not deleted: "nodestore\/0123/,
    );
    await b.close();
  });

  it("a NoSuchKey answer to DeleteObject counts as deleted (some servers send it: plugin PR #6)", async () => {
    handler = (_req, res) => s3Error(res, 404, "NoSuchKey", "The specified key does not exist.");
    const b = backend({ objectSharding: true, objectShardingFallback: true });
    await b.delete(ID);
    expect(seen.map((r) => r.url.split("?")[0])).toEqual([
      `/b/nodestore/01/2345/6789abcdef0123456789abcdef`,
      `/b/nodestore/${ID}`,
    ]);
    await b.close();
  });
});
