// scan(): GetRange pages over `id` with `id` and `flags` only. On every target: the rows the plugin and other
// writers leave (compressed with flags, raw BINARY, raw STRING, a key with no attribute) are all listed, the
// timestamps are the cells' versions, a cursor resumes in a fresh backend, ids that are not printable. On a
// private local server: answers that stop short of the limit, the time window on rows written at other times
// (its clock moved), what each page costs in requests, and an abort between pages.
import { InvalidArgumentError, type ScannedNode, type ScanOptions } from "@nodestore/core";
import {
  type ControlClient,
  type RunningServer,
  startTablestoreServer,
  tablestoreControl,
} from "@nodestore/tablestore-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TablestoreBackend, type TablestoreOptions } from "../src/index.js";
import { decodeCursor, encodeCursor } from "../src/scan.js";
import {
  inspectRaw,
  putRaw,
  scratchBackend,
  scratchTableName,
  TableStore,
  type TablestoreTarget,
  tablestoreTargets,
} from "./helpers.js";

async function scanAll(backend: TablestoreBackend, options?: ScanOptions) {
  const pages: { nodes: ScannedNode[]; cursor: string }[] = [];
  for await (const page of backend.scan(options)) pages.push({ nodes: [...page.nodes], cursor: page.cursor });
  return pages;
}
const idsOf = (pages: { nodes: ScannedNode[] }[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));
const HOUR = 3_600_000;

describe("cursors", () => {
  it("printable ids are their own cursor; others are ~base64url; both decode back", () => {
    for (const id of ["a3f5c0de", "event:1/2", "with space", "é", "~tilde", "tab\there", "x".repeat(1024)]) {
      const cursor = encodeCursor(id);
      expect(cursor).toMatch(/^[!-~]+$/);
      expect(decodeCursor("tablestore", cursor)).toBe(id);
    }
    expect(encodeCursor("a3f5c0de")).toBe("a3f5c0de");
    expect(encodeCursor("with space")).toBe(`~${Buffer.from("with space").toString("base64url")}`);
  });

  it("refuses what no page returns: empty, bad base64url, a key over 1 KB", () => {
    for (const bad of ["", "~", "~***", "~_-_-", "y".repeat(1025)]) {
      expect(() => decodeCursor("tablestore", bad), bad).toThrow(InvalidArgumentError);
    }
  });
});

const targets = await tablestoreTargets();
if (targets.length === 0) it.skip("Tablestore is not configured", () => {});

for (const target of targets) {
  describe(`scan on ${target.label}`, () => {
    let backend: TablestoreBackend;
    let table: string;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ backend, table, drop } = scratchBackend(target, { compression: "zstd" }));
      await backend.bootstrap();
    }, 60_000);
    afterAll(async () => {
      await backend?.close();
      await drop?.();
    });

    it("lists every layout (zstd + flags, zlib + flags, raw BINARY, raw STRING, a key alone) with the versions as timestamps", async () => {
      const before = Date.now();
      await backend.setBytes("l-zstd", new TextEncoder().encode('{"a":1}'));
      await putRaw(target, table, "l-zlib", [
        { data: Buffer.from([0x78, 0x9c]) },
        { flags: TableStore.Long.fromNumber(1) },
      ]);
      await putRaw(target, table, "l-raw-binary", [{ data: Buffer.from('{"b":2}') }]);
      await putRaw(target, table, "l-raw-string", [{ data: '{"c":3}' }]);
      await putRaw(target, table, "l-key-only", []);
      const after = Date.now();
      try {
        const nodes = (await scanAll(backend)).flatMap((p) => p.nodes);
        expect(nodes.map((n) => n.id)).toEqual([
          "l-key-only",
          "l-raw-binary",
          "l-raw-string",
          "l-zlib",
          "l-zstd",
        ]);
        const byId = new Map(nodes.map((n) => [n.id, n]));
        for (const id of ["l-zstd", "l-zlib"]) {
          const stored = await inspectRaw(target, table, id);
          // The flags cell's version, which is the data cell's: one PutRow.
          expect(stored!.flags!.timestamp).toBe(stored!.data!.timestamp);
          expect(byId.get(id)!.timestamp?.getTime()).toBe(stored!.flags!.timestamp);
        }
        // Raw rows carry no flags: no timestamp without reading `data`, so none is given.
        expect(byId.get("l-raw-binary")!.timestamp).toBeUndefined();
        expect(byId.get("l-key-only")!.timestamp).toBeUndefined();
        expect(nodes.every((n) => n.storedBytes === undefined)).toBe(true);

        // With a window every node is timed (raw rows by their data version); a key alone is no node.
        const windowed = (
          await scanAll(backend, { since: new Date(before - HOUR), until: new Date(after + HOUR) })
        ).flatMap((p) => p.nodes);
        expect(windowed.map((n) => n.id)).toEqual(["l-raw-binary", "l-raw-string", "l-zlib", "l-zstd"]);
        for (const node of windowed) {
          const stored = await inspectRaw(target, table, node.id);
          expect(node.timestamp?.getTime()).toBe(stored!.data!.timestamp);
        }
        expect(idsOf(await scanAll(backend, { since: new Date(after + HOUR) }))).toEqual([]);
        expect(idsOf(await scanAll(backend, { until: new Date(before - HOUR) }))).toEqual([]);
        // An empty window asks nothing of the raw rows.
        expect(
          idsOf(await scanAll(backend, { since: new Date(after), until: new Date(before - HOUR) })),
        ).toEqual([]);
      } finally {
        // Left behind, these rows would fail the other tests of this table.
        await backend.deleteMulti(["l-zstd", "l-zlib", "l-raw-binary", "l-raw-string", "l-key-only"]);
      }
    });

    it("a cursor resumes in a fresh backend object, also when its own row was deleted meanwhile", async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `r-${String(i).padStart(2, "0")}`);
      await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode(`{"i":"${id}"}`)]));
      const first = await scanAll(backend, { pageSize: 5 });
      expect(first.map((p) => p.nodes.length)).toEqual([5, 5, 2]);
      expect(first.map((p) => p.cursor)).toEqual(["r-04", "r-09", "r-11"]);

      const fresh = new TablestoreBackend({ ...optionsOf(target), table });
      try {
        expect(idsOf(await scanAll(fresh, { pageSize: 5, after: first[0]!.cursor }))).toEqual(ids.slice(5));
        await backend.delete("r-04");
        expect(idsOf(await scanAll(fresh, { pageSize: 4, after: "r-04" }))).toEqual(ids.slice(5));
        // A cursor between keys (no such row) continues after it.
        expect(idsOf(await scanAll(fresh, { after: "r-05x" }))).toEqual(ids.slice(6));
        expect(await scanAll(fresh, { after: "r-11" })).toEqual([]);
      } finally {
        await fresh.close();
      }
      await backend.deleteMulti(ids);
    });

    it("ids that are not printable ASCII: ~base64url cursors, resumed exactly", async () => {
      const ids = ["n a", "n\tb", "nç", "n😀"];
      await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode("{}")]));
      const pages = await scanAll(backend, { pageSize: 1 });
      expect(idsOf(pages)).toEqual([...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      for (const page of pages) expect(page.cursor).toMatch(/^~[A-Za-z0-9_-]+$/);
      expect(idsOf(await scanAll(backend, { after: pages[1]!.cursor }))).toEqual(idsOf(pages.slice(2)));
      await backend.deleteMulti(ids);
    });
  });
}

function optionsOf(target: TablestoreTarget): TablestoreOptions {
  return {
    endpoint: target.endpoint,
    instance: target.instance,
    accessKeyId: target.accessKeyId,
    accessKeySecret: target.accessKeySecret,
    ...(target.stsToken ? { stsToken: target.stsToken } : {}),
  };
}

describe("scan on a private local server (short answers, its clock, request counts)", () => {
  let server: RunningServer;
  let control: ControlClient;
  let backend: TablestoreBackend;
  const table = scratchTableName("nsscan");

  const requests = async (api: string) =>
    (await control.stats()).counters.byTable[`${server.instance}/${table}`]?.[api] ?? 0;

  beforeAll(async () => {
    // Answers of at most 3 rows, whatever the limit: what the service does at 4 MB, or at a partition edge.
    server = await startTablestoreServer({ limits: { maxRangeRows: 3 } });
    control = tablestoreControl(server.endpoint);
    backend = new TablestoreBackend({
      endpoint: server.endpoint,
      instance: server.instance,
      accessKeyId: server.accessKeyId,
      accessKeySecret: server.accessKeySecret,
      table,
      compression: "zlib",
      readBatchSize: 2,
    });
    await backend.bootstrap();
  });
  afterAll(async () => {
    await backend?.close();
    await server?.close();
  });

  it("answers shorter than the limit: keeps asking, pages stay at most pageSize and exact", async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `s-${String(i).padStart(2, "0")}`);
    await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode("{}")]));
    const before = await requests("GetRange");
    const pages = await scanAll(backend, { pageSize: 5 });
    expect(pages.map((p) => p.nodes.length)).toEqual([5, 5, 1]);
    expect(idsOf(pages)).toEqual(ids);
    // 11 rows, 3 per answer: 4 answers at least, and the last page's tail.
    expect((await requests("GetRange")) - before).toBeGreaterThanOrEqual(4);
    await backend.deleteMulti(ids);
  });

  it("since/until by the rows' versions: written 2 h ago, now, raw and compressed; the raw ones by BatchGetRow with time_range", async () => {
    const raw = new TablestoreBackend({
      endpoint: server.endpoint,
      instance: server.instance,
      accessKeyId: server.accessKeyId,
      accessKeySecret: server.accessKeySecret,
      table,
      compression: false,
      readBatchSize: 2,
    });
    try {
      const bytes = new TextEncoder().encode("{}");
      await control.setClockOffset(-2 * HOUR);
      await backend.setBytesMulti([["w-old-z", bytes]]);
      await raw.setBytesMulti([
        ["w-old-r1", bytes],
        ["w-old-r2", bytes],
        ["w-old-r3", bytes],
      ]);
      await control.setClockOffset(0);
      await backend.setBytes("w-new-z", bytes);
      await raw.setBytes("w-new-r", bytes);
      const now = Date.now();

      const batchesBefore = await requests("BatchGetRow");
      const recent = await scanAll(backend, { since: new Date(now - HOUR) });
      expect(idsOf(recent)).toEqual(["w-new-r", "w-new-z"]);
      // 4 raw rows, 2 per BatchGetRow (readBatchSize): 2 reads, in whichever pages they fall.
      expect((await requests("BatchGetRow")) - batchesBefore).toBeGreaterThanOrEqual(2);
      const old = await scanAll(backend, { until: new Date(now - HOUR) });
      expect(idsOf(old)).toEqual(["w-old-r1", "w-old-r2", "w-old-r3", "w-old-z"]);
      for (const node of old.flatMap((p) => p.nodes)) {
        expect(Math.abs(node.timestamp!.getTime() - (now - 2 * HOUR))).toBeLessThan(60_000);
      }
      // Without a window no row is read twice.
      const beforePlain = await requests("BatchGetRow");
      expect(idsOf(await scanAll(backend))).toHaveLength(6);
      expect(await requests("BatchGetRow")).toBe(beforePlain);
      await backend.deleteMulti(["w-old-z", "w-old-r1", "w-old-r2", "w-old-r3", "w-new-z", "w-new-r"]);
    } finally {
      await control.setClockOffset(0);
      await raw.close();
    }
  });

  it("an abort between pages stops the scan with the signal's reason; one mid-request cuts it", async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `a-${i}`);
    await backend.setBytesMulti(ids.map((id) => [id, new TextEncoder().encode("{}")]));
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const page of backend.scan({ pageSize: 2, signal: controller.signal })) {
          seen.push(...page.nodes.map((n) => n.id));
          controller.abort(new Error("enough"));
        }
      })(),
    ).rejects.toThrow("enough");
    expect(seen).toEqual(["a-0", "a-1"]);

    await control.addFaults([{ api: "GetRange", table, delayMs: 2_000 }]);
    try {
      const slow = new AbortController();
      setTimeout(() => slow.abort(new Error("cut")), 100);
      const started = Date.now();
      await expect(scanAll(backend, { signal: slow.signal })).rejects.toThrow("cut");
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await control.clearFaults();
    }
    await backend.deleteMulti(ids);
  });

  it("a failing GetRange is typed and retried like every call", async () => {
    await backend.setBytes("f-1", new TextEncoder().encode("{}"));
    await control.addFaults([{ api: "GetRange", table, code: "OTSServerBusy", times: 1 }]);
    try {
      expect(idsOf(await scanAll(backend))).toEqual(["f-1"]);
    } finally {
      await control.clearFaults();
    }
    await control.addFaults([{ api: "GetRange", table, code: "OTSParameterInvalid", times: 1 }]);
    try {
      await expect(scanAll(backend)).rejects.toMatchObject({ retryable: false });
    } finally {
      await control.clearFaults();
    }
    await backend.delete("f-1");
  });
});
