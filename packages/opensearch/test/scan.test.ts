// scan() on the real clusters, beyond the conformance section: several daily indices and shards, cursors resumed
// by a fresh backend, copies, the server-side window, timestamps as stored, other plugins' mappings, indices
// closed or dropped during a scan, requests per page; and the cursor's encoding.
import {
  eventNodeId,
  InvalidArgumentError,
  NodeStore,
  type ScannedNode,
  type ScanOptions,
} from "@nodestore/core";
import { afterAll, describe, expect, it } from "vitest";
import type { OpenSearchBackend } from "../src/index.js";
import {
  decodeScanCursor,
  encodeScanCursor,
  parseScanTimestamp,
  SCAN_PAGE_LIMIT,
  timestampAccess,
} from "../src/scan.js";
import {
  countRequests,
  DAY,
  type OpenSearchTarget,
  openSearchTargets,
  runTag,
  type Scratch,
  scratch,
} from "./helpers.js";

type Page = { nodes: ScannedNode[]; cursor: string };

async function pagesOf(backend: OpenSearchBackend, options?: ScanOptions): Promise<Page[]> {
  const out: Page[] = [];
  for await (const page of backend.scan(options)) out.push({ nodes: [...page.nodes], cursor: page.cursor });
  return out;
}

const idsOf = (pages: Page[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));

function ids(n: number): string[] {
  const run = runTag().slice(3);
  return Array.from({ length: n }, (_, i) =>
    eventNodeId(7, `${run}${String(i).padStart(32 - run.length, "0")}`),
  );
}

describe("scan cursor and mapping helpers", () => {
  it("the cursor is short printable base64url, and decodes to its position", () => {
    const cursor = encodeScanCursor("sentry", { i: "sentry-2025-01-02", s: 2, q: 12345 });
    expect(cursor).toMatch(/^os1\.[A-Za-z0-9_-]+$/);
    expect(cursor.length).toBeLessThan(100);
    expect(decodeScanCursor(cursor, "sentry", "opensearch")).toEqual({
      i: "sentry-2025-01-02",
      s: 2,
      q: 12345,
    });
  });

  it("refuses a cursor of another alias, another backend, or garbage, in one line", () => {
    const other = encodeScanCursor("other", { i: "other-2025-01-02", s: 0, q: 1 });
    const bad = [
      other,
      "abc",
      "os1.!!!",
      `os1.${Buffer.from("[1]").toString("base64url")}`,
      `os1.${Buffer.from('{"a":"sentry","i":"x","s":-1,"q":0}').toString("base64url")}`,
      `os1.${Buffer.from('{"a":"sentry","i":"x","s":0,"q":1.5}').toString("base64url")}`,
    ];
    for (const cursor of bad) {
      expect(() => decodeScanCursor(cursor, "sentry", "opensearch")).toThrow(InvalidArgumentError);
    }
    expect(() => decodeScanCursor(other, "sentry", "opensearch")).toThrow(
      'opensearch scan: after is not a cursor of this store (it is a cursor of alias "other", not "sentry")',
    );
  });

  it("reads the timestamp from doc values when it can, else the stored field; the window is server-side on dates", () => {
    expect(timestampAccess({ type: "date", store: true })).toEqual({ read: "docvalues", range: true });
    expect(timestampAccess({ type: "date" })).toEqual({ read: "docvalues", range: true });
    expect(timestampAccess({ type: "date_nanos" })).toEqual({ read: "docvalues", range: true });
    expect(timestampAccess({ type: "date", doc_values: false, store: true })).toEqual({
      read: "stored",
      range: true,
    });
    expect(timestampAccess({ type: "keyword", store: true })).toEqual({ read: "stored", range: false });
    expect(timestampAccess({ type: "text" })).toEqual({ read: "none", range: false });
    expect(timestampAccess(undefined)).toEqual({ read: "none", range: false });
  });

  it("parses epoch ms, ISO with a zone, and naive ISO as UTC", () => {
    expect(parseScanTimestamp(["1756462272123"])?.toISOString()).toBe("2025-08-29T10:11:12.123Z");
    expect(parseScanTimestamp(["1756462272123.456"])?.toISOString()).toBe("2025-08-29T10:11:12.123Z");
    expect(parseScanTimestamp(["2025-08-29T10:11:12.123000+00:00"])?.toISOString()).toBe(
      "2025-08-29T10:11:12.123Z",
    );
    expect(parseScanTimestamp(["2026-01-02T03:04:05.678901"])?.toISOString()).toBe(
      "2026-01-02T03:04:05.678Z",
    );
    expect(parseScanTimestamp(undefined)).toBeUndefined();
    expect(parseScanTimestamp(["soon"])).toBeUndefined();
  });
});

const targets = openSearchTargets();
if (targets.length === 0) it.skip("no OpenSearch is configured", () => {});
for (const target of targets) describeTarget(target);

function describeTarget(target: OpenSearchTarget): void {
  describe(`scan on ${target.label}`, () => {
    const spaces: Scratch[] = [];
    const space = () => {
      const s = scratch(target);
      spaces.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of spaces) await s.drop();
    });

    it("three days × three shards: every copy once, pages ≤ pageSize, and a fresh backend resumes after any page", async () => {
      const s = space();
      await s.backend({ shards: 3 }).bootstrap();
      const base = Date.now() - 2 * DAY;
      const all = ids(150);
      const written = new Map<string, number>();
      for (let d = 0; d < 3; d++) {
        const at = base + d * DAY;
        const store = new NodeStore(s.backend({ shards: 3, now: () => new Date(at) }));
        const slice = all.slice(d * 50, d * 50 + 50);
        await store.setMulti(slice.map((id) => ({ id, main: { d } })));
        for (const id of slice) written.set(id, at);
      }
      expect((await s.indices()).length).toBe(3);
      const pages = await pagesOf(s.backend(), { pageSize: 7 });
      for (const page of pages) expect(page.nodes.length).toBeLessThanOrEqual(7);
      expect(pages.slice(0, -1).every((p) => p.nodes.length === 7)).toBe(true);
      const listed = idsOf(pages);
      expect(listed.length).toBe(150);
      expect(new Set(listed)).toEqual(new Set(all));
      // Timestamps are what the server stores: the writer's clock, to the millisecond.
      for (const node of pages.flatMap((p) => p.nodes)) {
        expect(node.timestamp?.getTime()).toBe(written.get(node.id));
        expect(node.storedBytes).toBeUndefined();
      }
      // Index order: every node of the oldest day comes first.
      expect(listed.slice(0, 50).every((id) => written.get(id) === base)).toBe(true);
      for (const cut of [0, 6, 7, 13, pages.length - 2]) {
        const rest = await pagesOf(s.backend(), { pageSize: 7, after: pages[cut]!.cursor });
        expect(idsOf(rest)).toEqual(listed.slice((cut + 1) * 7));
      }
      // The last cursor: nothing after it.
      expect(await pagesOf(s.backend(), { after: pages.at(-1)!.cursor })).toEqual([]);
      // Another page size after the same cursor continues at the same place.
      expect(idsOf(await pagesOf(s.backend(), { pageSize: 1000, after: pages[3]!.cursor }))).toEqual(
        listed.slice(28),
      );
    });

    it("a node stored in two daily indices is listed once per copy, each with its own timestamp", async () => {
      const s = space();
      await s.backend().bootstrap();
      const [id] = ids(1);
      const older = new Date(Date.now() - 3 * DAY);
      const newer = new Date(Date.now() - DAY);
      await new NodeStore(s.backend({ now: () => older })).set(id!, { v: 1 });
      await new NodeStore(s.backend({ now: () => newer })).set(id!, { v: 2 });
      const nodes = (await pagesOf(s.backend())).flatMap((p) => p.nodes);
      expect(nodes).toEqual([
        { id, timestamp: older },
        { id, timestamp: newer },
      ]);
    });

    it("since/until are a range on the stored timestamp: [since, until), to the millisecond", async () => {
      const s = space();
      await s.backend().bootstrap();
      const t = Date.now() - DAY;
      const [a, b, c] = ids(3);
      for (const [id, at] of [
        [a, t],
        [b, t + 1],
        [c, t + 2],
      ] as const) {
        await new NodeStore(s.backend({ now: () => new Date(at) })).set(id!, { at });
      }
      const window = async (since?: number, until?: number) =>
        idsOf(
          await pagesOf(s.backend(), {
            ...(since === undefined ? {} : { since: new Date(since) }),
            ...(until === undefined ? {} : { until: new Date(until) }),
          }),
        );
      expect(await window(t + 1, t + 2)).toEqual([b]);
      expect(await window(t, t + 2)).toEqual([a, b]);
      expect(await window(t + 1)).toEqual([b, c]);
      expect(await window(undefined, t + 1)).toEqual([a]);
      expect(await window(t + 3)).toEqual([]);
    });

    it("one search per page while a shard lasts, after a refresh, the index list and the timestamp mapping", async () => {
      const s = space();
      await s.backend().bootstrap();
      const store = new NodeStore(s.backend());
      await store.setMulti(ids(30).map((id) => ({ id, main: {} })));
      const backend = s.backend();
      const counter = countRequests(backend.client);
      const pages = await pagesOf(backend, { pageSize: 10 });
      expect(pages.map((p) => p.nodes.length)).toEqual([10, 10, 10]);
      const index = (await s.indices())[0]!;
      expect(counter.paths()).toEqual([
        `POST /${s.tag}/_refresh`,
        `GET /_cat/indices/${s.tag}`,
        `GET /${s.tag}/_mapping/field/timestamp`,
        `POST /${index}/_search`,
        `POST /${index}/_search`,
        `POST /${index}/_search`,
        // The third page was full: one more search finds the shard exhausted.
        `POST /${index}/_search`,
      ]);
      // A page size above the server's result window is lowered to it.
      expect(idsOf(await pagesOf(s.backend(), { pageSize: SCAN_PAGE_LIMIT * 10 })).length).toBe(30);
    });

    it("lists writes made just before it without refresh, and not nodes deleted just before", async () => {
      const s = space();
      await s.backend().bootstrap();
      const backend = s.backend();
      const store = new NodeStore(backend);
      const [kept, gone] = ids(2);
      await store.setMulti([
        { id: kept!, main: {} },
        { id: gone!, main: {} },
      ]);
      await store.delete(gone!);
      expect(idsOf(await pagesOf(backend))).toEqual([kept]);
    });

    it("Python 1.2's layout (unstored date) and a keyword timestamp: read from doc values / the stored text, filtered here", async () => {
      const s = space();
      await s.backend().bootstrap();
      const [python, naive] = ids(2);
      const mk = async (name: string, timestamp: Record<string, unknown>) =>
        s.http("PUT", `/${name}`, {
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          mappings: {
            _source: { enabled: false },
            properties: {
              data: { type: "keyword", index: false, doc_values: false, store: true },
              timestamp,
            },
          },
          aliases: { [s.tag]: {} },
        });
      const day = (d: number) => new Date(Date.now() - d * DAY).toISOString().slice(0, 10);
      await mk(`${s.tag}-${day(3)}`, { type: "date" });
      await mk(`${s.tag}-${day(2)}`, { type: "keyword", store: true });
      await s.http("PUT", `/${s.tag}-${day(3)}/_doc/${python}`, {
        data: "eJyrVspNLS5OTE9VslLKyFSqBQAwSwVx",
        timestamp: "2026-01-02T03:04:05.678901+00:00",
      });
      await s.http("PUT", `/${s.tag}-${day(2)}/_doc/${naive}`, {
        data: "eJyrVspNLS5OTE9VslLKyFSqBQAwSwVx",
        timestamp: "2026-01-03T00:00:00.5",
      });
      const nodes = (await pagesOf(s.backend())).flatMap((p) => p.nodes);
      expect(nodes).toEqual([
        { id: python, timestamp: new Date("2026-01-02T03:04:05.678Z") },
        { id: naive, timestamp: new Date("2026-01-03T00:00:00.500Z") },
      ]);
      const since = new Date("2026-01-02T12:00:00Z");
      expect(idsOf(await pagesOf(s.backend(), { since }))).toEqual([naive]);
      expect(idsOf(await pagesOf(s.backend(), { until: since }))).toEqual([python]);
    });

    it("skips a closed index (said once) and an index dropped between pages", async () => {
      const s = space();
      await s.backend().bootstrap();
      const warnings: string[] = [];
      const [closed, dropped, kept] = ids(6).reduce<string[][]>(
        (acc, id, i) => {
          acc[Math.floor(i / 2)]!.push(id);
          return acc;
        },
        [[], [], []],
      );
      const at = (d: number) => s.backend({ now: () => new Date(Date.now() - d * DAY) });
      const closedBackend = at(3);
      await new NodeStore(closedBackend).setMulti(closed!.map((id) => ({ id, main: {} })));
      const droppedBackend = at(2);
      await new NodeStore(droppedBackend).setMulti(dropped!.map((id) => ({ id, main: {} })));
      await new NodeStore(at(1)).setMulti(kept!.map((id) => ({ id, main: {} })));
      await s.http("POST", `/${closedBackend.writeIndex()}/_close`);
      const backend = s.backend({ onWarning: (m) => warnings.push(m) });
      const seen: string[] = [];
      for await (const page of backend.scan({ pageSize: 1 })) {
        seen.push(...page.nodes.map((n) => n.id));
        // After the first node of the middle day, that day is dropped (a cleanup elsewhere).
        if (seen.length === 1) await s.http("DELETE", `/${droppedBackend.writeIndex()}`);
      }
      expect(seen).toEqual([dropped![0], ...kept!]);
      expect(warnings.filter((w) => w.includes(closedBackend.writeIndex()))).toHaveLength(1);
      await pagesOf(backend);
      expect(warnings.filter((w) => w.includes(closedBackend.writeIndex()))).toHaveLength(1);
    });

    it("an abort between pages stops with its reason; an empty alias lists nothing", async () => {
      const s = space();
      await s.backend().bootstrap();
      expect(await pagesOf(s.backend())).toEqual([]);
      await new NodeStore(s.backend()).setMulti(ids(5).map((id) => ({ id, main: {} })));
      const controller = new AbortController();
      const seen: number[] = [];
      const run = async () => {
        for await (const page of s.backend().scan({ pageSize: 2, signal: controller.signal })) {
          seen.push(page.nodes.length);
          controller.abort(new Error("enough"));
        }
      };
      await expect(run()).rejects.toThrow("enough");
      expect(seen).toEqual([2]);
      // A cursor of another alias is refused before any request.
      const other = encodeScanCursor("elsewhere", { i: "elsewhere-2025-01-01", s: 0, q: 0 });
      await expect(pagesOf(s.backend(), { after: other })).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
}

describe("scan errors (a scripted transport)", () => {
  /** A client whose transport answers from `answer(path)`: just enough for scan's four kinds of request. */
  const scripted = (search: unknown) => {
    const request = (params: { path: string }) => {
      const body = params.path.endsWith("/_search")
        ? search
        : params.path.startsWith("/_cat/indices/")
          ? [{ index: "sentry-2025-01-01", status: "open", pri: "1" }]
          : params.path.endsWith("/_mapping/field/timestamp")
            ? {
                "sentry-2025-01-01": {
                  mappings: { timestamp: { mapping: { timestamp: { type: "date" } } } },
                },
              }
            : { _shards: { total: 1, successful: 1, failed: 0 } };
      return Object.assign(Promise.resolve({ statusCode: 200, body }), { abort() {} });
    };
    return { transport: { request }, close: async () => {} };
  };
  const backendWith = async (search: unknown) => {
    const { OpenSearchBackend } = await import("../src/index.js");
    // biome-ignore lint/suspicious/noExplicitAny: a stand-in for the client
    return new OpenSearchBackend({ client: scripted(search) as any, env: {}, onWarning: () => {} });
  };
  const failed = (type: string) => ({
    _shards: {
      total: 1,
      successful: 0,
      failed: 1,
      failures: [{ shard: 0, index: "sentry-2025-01-01", reason: { type, reason: "the reason" } }],
    },
    hits: { hits: [] },
  });

  it("a shard that is unavailable: retryable, naming the index and shard", async () => {
    const backend = await backendWith(failed("no_shard_available_action_exception"));
    const error = await pagesOf(backend).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BACKEND_UNAVAILABLE", retryable: true });
    expect(String(error)).toContain("shard 0 of index sentry-2025-01-01 did not answer");
  });

  it("a shard that refuses the query: not retryable; no shard answering at all: retryable", async () => {
    const refused = await pagesOf(await backendWith(failed("illegal_argument_exception"))).catch(
      (e: unknown) => e,
    );
    expect(refused).toMatchObject({ code: "BACKEND_ERROR", retryable: false });
    const none = await pagesOf(
      await backendWith({ _shards: { total: 0, successful: 0, failed: 0 }, hits: { hits: [] } }),
    ).catch((e: unknown) => e);
    expect(none).toMatchObject({ code: "BACKEND_UNAVAILABLE", retryable: true });
  });
});
