// Failures OpenSearch does not produce on demand, from a local HTTP server answering like it, through the real
// client and our settings: typed errors, retryable or not, bounded in time, never carrying credentials.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { BackendError, BackendUnavailableError, NodeStore } from "@nodestore/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenSearchBackend, type OpenSearchBackendOptions, OpenSearchBulkError } from "../src/index.js";

type Handler = (req: IncomingMessage & { body: string }, res: ServerResponse) => void;
let server: Server;
let url: string;
let handler: Handler = (_req, res) => res.end();
const sockets = new Set<Socket>();
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      seen.push(`${req.method} ${req.url?.split("?")[0]} ${req.headers.authorization ?? ""}`);
      handler(Object.assign(req, { body }), res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
  for (const s of sockets) s.destroy();
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const ID = "0123456789abcdef0123456789abcdef";
const PASSWORD = "s3cr3t-pa55word-value";

function backend(extra: Partial<OpenSearchBackendOptions> = {}): OpenSearchBackend {
  return new OpenSearchBackend({
    node: url,
    auth: { username: "sentry", password: PASSWORD },
    env: {},
    requestTimeoutMs: 1_000,
    maxRetries: 0,
    indexListTtlMs: 60_000,
    onWarning: () => {},
    ...extra,
  });
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

/** A cluster whose alias is empty; `mget` and `bulk` answer with the given handlers. */
function cluster(on: { mget?: Handler; bulk?: Handler }): Handler {
  return (req, res) => {
    if (req.url?.startsWith("/_alias/"))
      return json(res, 404, { error: "alias [sentry] missing", status: 404 });
    if (req.url?.startsWith("/_mget") && on.mget) return on.mget(req, res);
    if (req.url?.startsWith("/_bulk") && on.bulk) return on.bulk(req, res);
    json(res, 200, { acknowledged: true });
  };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const r = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  if (r === undefined) throw new Error("expected a failure");
  return r;
}

describe("typed errors", () => {
  it("HTTP 429 and 503 are retryable; 400 is not and names the OpenSearch error type", async () => {
    for (const [status, type, retryable] of [
      [429, "es_rejected_execution_exception", true],
      [503, "unavailable_shards_exception", true],
      [400, "illegal_argument_exception", false],
    ] as const) {
      handler = cluster({
        mget: (_q, res) => json(res, status, { error: { type, reason: "nope" }, status }),
      });
      const e = await failure(backend().getBytes(ID));
      expect(e).toBeInstanceOf(retryable ? BackendUnavailableError : BackendError);
      expect((e as BackendError).retryable).toBe(retryable);
      expect(e.message).toContain(type);
    }
  });

  it("a connection refused is retryable and fast", async () => {
    const t = Date.now();
    const e = await failure(
      new OpenSearchBackend({ node: "http://127.0.0.1:1", env: {}, maxRetries: 1 }).getBytes(ID),
    );
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(Date.now() - t).toBeLessThan(2_000);
  });

  it("a silent server, and a body that stops halfway, time out after requestTimeoutMs", async () => {
    handler = cluster({ mget: () => {} });
    let t = Date.now();
    let e = await failure(backend().getBytes(ID));
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect(e.message).toMatch(/timed out after 1000 ms/);
    expect(Date.now() - t).toBeLessThan(2_500);
    handler = cluster({
      mget: (_q, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"docs":[');
      },
    });
    t = Date.now();
    e = await failure(backend().getBytes(ID));
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect(Date.now() - t).toBeLessThan(2_500);
  });

  it("per-document bulk failures name every id; throttled documents make the error retryable", async () => {
    const b = backend();
    // The write index check: in the alias after creation.
    let created = false;
    handler = (req, res) => {
      if (req.url?.startsWith("/_alias/"))
        return created
          ? json(res, 200, { [b.writeIndex()]: { aliases: { sentry: {} } } })
          : json(res, 404, {});
      if (req.method === "HEAD") return json(res, 404, {});
      if (req.url?.startsWith("/_index_template/_simulate_index"))
        return json(res, 200, {
          template: {
            aliases: { sentry: {} },
            mappings: { properties: { data: { type: "binary", store: true } } },
          },
        });
      if (req.method === "PUT") {
        created = true;
        return json(res, 200, { acknowledged: true });
      }
      const items = req.body
        .trim()
        .split("\n")
        .filter((_, i) => i % 2 === 0)
        .map((line, i) => {
          const id = JSON.parse(line).index._id as string;
          return i === 0
            ? { index: { _id: id, status: 201, result: "created" } }
            : {
                index: {
                  _id: id,
                  status: 429,
                  error: { type: "es_rejected_execution_exception", reason: "queue full" },
                },
              };
        });
      json(res, 200, { errors: true, items });
    };
    const store = new NodeStore(b);
    const e = await failure(
      store.setMulti([
        { id: "a", main: {} },
        { id: "b", main: {} },
        { id: "c", main: {} },
      ]),
    );
    expect(e).toBeInstanceOf(OpenSearchBulkError);
    expect((e as OpenSearchBulkError).ids).toEqual(["b", "c"]);
    expect((e as OpenSearchBulkError).retryable).toBe(true);
    expect(e.message).toMatch(
      /2 of 3 documents failed: "b" \(429 es_rejected_execution_exception: queue full\)/,
    );
  });

  it("credentials never appear in a message or anything the error holds", async () => {
    handler = cluster({
      mget: (_q, res) =>
        json(res, 401, {
          error: { type: "security_exception", reason: "missing authentication credentials" },
        }),
    });
    const e = await failure(backend().getBytes(ID));
    expect(e).toBeInstanceOf(BackendError);
    expect(e.message).toMatch(/HTTP 401 security_exception.*check `auth`/);
    expect(seen.some((s) => s.startsWith("POST /_mget Basic "))).toBe(true); // it was sent
    const everything = `${e.message}\n${inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true })}\n${JSON.stringify(e)}`;
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(`sentry:${PASSWORD}`).toString("base64"));
    // A URL with the credentials in it neither.
    const inUrl = new OpenSearchBackend({
      node: url.replace("//", `//sentry:${PASSWORD}@`),
      env: {},
      maxRetries: 0,
    });
    const e2 = await failure(inUrl.getBytes(ID));
    expect(inspect(e2, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(PASSWORD);
  });
});
