// Tablestore's own failures, injected by the local protocol server (its control endpoint) and answered the way
// the service answers them, through the real npm SDK: "try later" codes retried then raised as retryable,
// partial batch failures retried row by row and raised with their ids, a damaged answer, a silent server, a
// proxy's HTML page. Also the request shapes: chunk sizes, the 2 MiB cell and 4 MiB request limits.
import {
  BackendError,
  BackendUnavailableError,
  InvalidIdError,
  NodeStore,
  NotSupportedError,
  PayloadTooLargeError,
} from "@nodestore/core";
import {
  type ControlClient,
  type FaultRule,
  startTablestoreServer,
  tablestoreControl,
} from "@nodestore/tablestore-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TablestoreBackend, type TablestoreOptions } from "../src/index.js";
import { inspectRaw, localTarget, scratchBackend, type TablestoreTarget } from "./helpers.js";

const target = await localTarget();
if (!target) it.skip("needs the local Tablestore server (NODESTORE_TABLESTORE_* pointing at it)", () => {});

let seq = 0;
const newId = () => `fault-${Date.now().toString(36)}-${seq++}`;

describe.runIf(target)("Tablestore failures through the npm SDK (local protocol server)", () => {
  const t = target as TablestoreTarget;
  let control: ControlClient;
  let backend: TablestoreBackend;
  let store: NodeStore;
  let table: string;
  let drop: () => Promise<void>;
  const extra: TablestoreBackend[] = [];

  /** Another backend on the same table with other options. */
  function sibling(options: Partial<TablestoreOptions>): NodeStore {
    const b = scratchBackend(t, { table, compression: "zstd", ...options }).backend;
    extra.push(b);
    return new NodeStore(b);
  }
  const requests = async (api: string) =>
    (await control.stats()).counters.byTable[`${t.instance}/${table}`]?.[api] ?? 0;
  async function withFaults<T>(rules: FaultRule[], fn: () => Promise<T>): Promise<T> {
    await control.addFaults(rules.map((r) => ({ table, ...r })));
    try {
      return await fn();
    } finally {
      await control.clearFaults();
    }
  }

  beforeAll(async () => {
    control = tablestoreControl(t.endpoint);
    ({ backend, table, drop } = scratchBackend(t, { compression: "zstd" }));
    store = new NodeStore(backend);
    await store.bootstrap();
  }, 60_000);
  afterAll(async () => {
    for (const b of [backend, ...extra]) await b.close();
    await drop();
  });

  it("a PutRow answered OTSServerBusy once is retried and succeeds", async () => {
    const id = newId();
    const before = await requests("PutRow");
    await withFaults([{ api: "PutRow", code: "OTSServerBusy" }], () => store.set(id, { ok: 1 }));
    expect(await requests("PutRow")).toBe(before + 2);
    expect(await store.get(id)).toEqual({ ok: 1 });
  });

  for (const code of [
    "OTSServerBusy",
    "OTSTimeout",
    "OTSInternalServerError",
    "OTSPartitionUnavailable",
    "OTSRowOperationConflict",
    "OTSTableNotReady",
  ]) {
    it(`${code} on every try: BackendUnavailableError (retryable) naming the node and the code, after retryAttempts retries`, async () => {
      const id = newId();
      const s = sibling({ retryAttempts: 2 });
      const before = await requests("PutRow");
      const error = await withFaults([{ api: "PutRow", code, times: -1 }], () =>
        s.set(id, { x: 1 }).catch((e) => e),
      );
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(error.retryable).toBe(true);
      expect(error.message).toContain(id);
      expect(error.message).toContain(code);
      expect(await requests("PutRow")).toBe(before + 3);
    });
  }

  it('OTSQuotaExhausted "Too frequent table operations." is retried; "Number of tables exceeded the quota." is not', async () => {
    const id = newId();
    await withFaults([{ api: "GetRow", code: "OTSQuotaExhausted" }], () => store.get(id));
    const before = await requests("GetRow");
    const error = await withFaults(
      [
        {
          api: "GetRow",
          code: "OTSQuotaExhausted",
          message: "Number of tables exceeded the quota.",
          times: -1,
        },
      ],
      () => store.get(id).catch((e) => e),
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error.retryable).toBe(false);
    expect(await requests("GetRow")).toBe(before + 1);
  });

  it("setMulti: rows failed with OTSRowOperationConflict are sent again alone, and every node is written", async () => {
    const ids = Array.from({ length: 6 }, newId);
    const before = await requests("BatchWriteRow");
    await withFaults([{ api: "BatchWriteRow", code: "OTSRowOperationConflict", rows: [1, 4] }], () =>
      store.setMulti(ids.map((id, i) => ({ id, main: { i } }))),
    );
    expect(await requests("BatchWriteRow")).toBe(before + 2);
    expect([...(await store.getMulti(ids)).values()]).toEqual(ids.map((_, i) => ({ i })));
  });

  it("setMulti: a row that keeps failing is raised with its id and code; the other rows are written", async () => {
    const ids = Array.from({ length: 5 }, newId);
    const s = sibling({ retryAttempts: 1 });
    const error = await withFaults(
      [{ api: "BatchWriteRow", code: "OTSRowOperationConflict", keys: [ids[2]!], times: -1 }],
      () => s.setMulti(ids.map((id) => ({ id, main: { v: 1 } }))).catch((e) => e),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.failures).toEqual([
      {
        id: ids[2],
        code: "OTSRowOperationConflict",
        message: "Data is being modified by the other request.",
      },
    ]);
    expect(error.message).toContain(ids[2]);
    const got = await store.getMulti(ids);
    expect(got.get(ids[2]!)).toBeNull();
    expect(got.get(ids[0]!)).toEqual({ v: 1 });
  });

  it("deleteMulti: a row the service refuses for good fails the call at once (not retryable), naming it", async () => {
    const ids = Array.from({ length: 3 }, newId);
    await store.setMulti(ids.map((id) => ({ id, main: { d: 1 } })));
    const before = await requests("BatchWriteRow");
    const error = await withFaults(
      [{ api: "BatchWriteRow", code: "OTSParameterInvalid", message: "Invalid row.", rows: [0] }],
      () => store.deleteMulti(ids).catch((e) => e),
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error.retryable).toBe(false);
    expect(error.failures.map((f: { id: string }) => f.id)).toEqual([ids[0]]);
    expect(await requests("BatchWriteRow")).toBe(before + 1);
    expect(await store.get(ids[0]!)).toEqual({ d: 1 });
    expect(await store.get(ids[1]!)).toBeNull();
  });

  it("getMulti: rows failed with OTSTimeout are read again; every value is served", async () => {
    const ids = Array.from({ length: 4 }, newId);
    await store.setMulti(ids.map((id, i) => ({ id, main: { i } })));
    const got = await withFaults([{ api: "BatchGetRow", code: "OTSTimeout", rows: "all" }], () =>
      store.getMulti(ids),
    );
    expect([...got.values()]).toEqual(ids.map((_, i) => ({ i })));
  });

  it("getMulti: a row failing on every try fails the call with its id", async () => {
    const ids = Array.from({ length: 3 }, newId);
    const s = sibling({ retryAttempts: 1 });
    const error = await withFaults(
      [{ api: "BatchGetRow", code: "OTSInternalServerError", keys: [ids[1]!], times: -1 }],
      () => s.getMulti(ids).catch((e) => e),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.failures.map((f: { id: string }) => f.id)).toEqual([ids[1]]);
  });

  it("an answer whose PlainBuffer checksum is wrong is refused by the SDK: BackendError, never the bytes", async () => {
    const id = newId();
    await store.set(id, { fine: true });
    const error = await withFaults([{ api: "GetRow", corrupt: true }], () => store.get(id).catch((e) => e));
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toMatch(/[Cc]hecksum/);
  });

  it("a silent server: BackendUnavailableError within requestTimeoutMs", async () => {
    const s = sibling({ requestTimeoutMs: 800, retryAttempts: 0 });
    const started = Date.now();
    const error = await withFaults([{ api: "GetRow", drop: "hang" }], () => s.get(newId()).catch((e) => e));
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/timed out after 800 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a connection reset once is retried", async () => {
    const id = newId();
    await withFaults([{ api: "PutRow", drop: "reset" }], () => store.set(id, { after: "reset" }));
    expect(await store.get(id)).toEqual({ after: "reset" });
  });

  it("a proxy's 502 HTML page: BackendUnavailableError (HTTP 502 without a Tablestore error)", async () => {
    const s = sibling({ retryAttempts: 0 });
    const error = await withFaults(
      [{ api: "GetRow", http: { status: 502, body: "<html>Bad Gateway</html>" } }],
      () => s.get(newId()).catch((e) => e),
    );
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toContain("HTTP 502");
  });

  it("wrong credentials: BackendError OTSAuthFailed with a hint, and no secret in the message", async () => {
    const secret = "a-wrong-secret-value";
    const s = sibling({ accessKeySecret: secret });
    const error = await s.get(newId()).catch((e) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error.message).toContain("OTSAuthFailed");
    expect(error.message).toContain("Signature mismatch.");
    expect(error.message).not.toContain(secret);
  });

  it("a missing table: BackendError OTSObjectNotExist, telling to bootstrap", async () => {
    const s = scratchBackend(t, {}).backend;
    extra.push(s);
    await expect(new NodeStore(s).get("x")).rejects.toThrow(
      /OTSObjectNotExist: Requested table does not exist\..*bootstrap/,
    );
  });

  it("chunks: getMulti(250) is 3 BatchGetRow, setMulti(450) and deleteMulti(450) are 3 BatchWriteRow each", async () => {
    const ids = Array.from({ length: 450 }, newId);
    let before = await requests("BatchWriteRow");
    await store.setMulti(ids.map((id) => ({ id, main: { n: 1 } })));
    expect(await requests("BatchWriteRow")).toBe(before + 3);
    before = await requests("BatchGetRow");
    const got = await store.getMulti(ids.slice(0, 250));
    expect([...got.values()].every((v) => (v as { n: number }).n === 1)).toBe(true);
    expect(await requests("BatchGetRow")).toBe(before + 3);
    before = await requests("BatchWriteRow");
    await store.deleteMulti(ids);
    expect(await requests("BatchWriteRow")).toBe(before + 3);
  });

  it("a batch of large values is split to stay under the 4 MiB request limit", async () => {
    const s = sibling({ compression: false });
    // Five raw values of 1.5 MiB: two per request.
    const ids = Array.from({ length: 5 }, newId);
    const big = "x".repeat(1.5 * 1024 * 1024);
    const before = await requests("BatchWriteRow");
    await s.setMulti(ids.map((id) => ({ id, main: { big } })));
    expect(await requests("BatchWriteRow")).toBe(before + 3);
    expect(((await s.get(ids[4]!)) as { big: string }).big.length).toBe(big.length);
  });

  it("a value over 2 MiB once compressed is refused before any request (PayloadTooLargeError)", async () => {
    const s = sibling({ compression: "zstd" });
    const id = newId();
    const random = Buffer.from(
      Array.from({ length: 2.2 * 1024 * 1024 }, () => Math.floor(Math.random() * 256)),
    ).toString("base64");
    const before = await requests("PutRow");
    await expect(s.set(id, { random })).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await requests("PutRow")).toBe(before);
  });

  it("an id over 1024 bytes of UTF-8 is refused before any request", async () => {
    await expect(store.set("é".repeat(600), { x: 1 })).rejects.toBeInstanceOf(InvalidIdError);
  });

  it("a per-node TTL other than defaultTtl is refused (Tablestore expires whole tables)", async () => {
    await expect(store.set(newId(), { x: 1 }, 3600)).rejects.toBeInstanceOf(NotSupportedError);
    const s = sibling({ defaultTtl: 3600 });
    await s.set(newId(), { x: 1 }, 3600);
  });

  it("data is written as BINARY with flags 2; a STRING data column and a missing flags column read back", async () => {
    const id = newId();
    await store.set(id, { kind: "binary" });
    const row = await inspectRaw(t, table, id);
    expect(Buffer.isBuffer(row?.data?.value)).toBe(true);
    expect(row?.flags?.value).toBe(2);
  });
});

describe("table time-to-live (a private server whose clock the test moves)", () => {
  it("with automaticExpiry the table drops rows older than defaultTtl; reads then return null", async () => {
    const server = await startTablestoreServer();
    try {
      const backend = new TablestoreBackend({
        endpoint: server.endpoint,
        instance: server.instance,
        accessKeyId: server.accessKeyId,
        accessKeySecret: server.accessKeySecret,
        table: "ttl_table",
        compression: "zstd",
        automaticExpiry: true,
        defaultTtl: 86_400,
      });
      const store = new NodeStore(backend);
      expect(await backend.bootstrapTable()).toBe("created");
      await store.set("a", { v: 1 });
      expect(await store.get("a")).toEqual({ v: 1 });
      await tablestoreControl(server.endpoint).setClockOffset(86_400_000 + 60_000);
      expect(await store.get("a")).toBeNull();
      expect([...(await store.getMulti(["a"])).values()]).toEqual([null]);
      // Turning automatic expiry off updates the table's time-to-live to -1.
      const keep = new TablestoreBackend({
        ...backendOptions(server),
        table: "ttl_table",
        compression: "zstd",
      });
      expect(await keep.bootstrapTable()).toBe("updated");
      expect(await keep.bootstrapTable()).toBe("unchanged");
      await backend.close();
      await keep.close();
    } finally {
      await server.close();
    }
  });
});

function backendOptions(server: {
  endpoint: string;
  instance: string;
  accessKeyId: string;
  accessKeySecret: string;
}) {
  return {
    endpoint: server.endpoint,
    instance: server.instance,
    accessKeyId: server.accessKeyId,
    accessKeySecret: server.accessKeySecret,
  };
}
