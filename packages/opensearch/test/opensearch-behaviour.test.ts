// Behaviour on the real clusters that the conformance suite does not cover: the template and the write-index
// guard, large nodes, copies of a node in several daily indices, whole-day cleanup, and how many requests each
// call sends.
import { randomBytes } from "node:crypto";
import { BackendError, eventNodeId, NodeStore } from "@nodestore/core";
import { afterAll, describe, expect, it } from "vitest";
import { documentFor, type OpenSearchBackend, utcDay } from "../src/index.js";
import {
  countRequests,
  DAY,
  hex,
  type OpenSearchTarget,
  openSearchTargets,
  runTag,
  type Scratch,
  scratch,
} from "./helpers.js";

const targets = openSearchTargets();
if (targets.length === 0) it.skip("no OpenSearch is configured", () => {});
for (const target of targets) describeTarget(target);

function ids(n: number): string[] {
  const run = runTag().slice(3);
  return Array.from({ length: n }, (_, i) =>
    eventNodeId(9, `${run}${String(i).padStart(32 - run.length, "0")}`),
  );
}

function describeTarget(target: OpenSearchTarget): void {
  describe(`@nodestore/opensearch on ${target.label}`, () => {
    const spaces: Scratch[] = [];
    const space = () => {
      const s = scratch(target);
      spaces.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of spaces) await s.drop();
    });

    describe("bootstrap", () => {
      it("creates the template: data a stored binary, timestamp a stored date, _source off, dynamic false, the alias", async () => {
        const s = space();
        const dayBefore = s.backend().writeIndex();
        const report = await s.backend().bootstrapReport();
        expect(report).toEqual({ action: "created", codec: "best_compression", differences: [] });
        const t = (await s.http("GET", `/_index_template/${s.tag}`)).body.index_templates[0].index_template;
        expect(t.index_patterns).toEqual([`${s.tag}-*`]);
        expect(t.template.mappings).toEqual({
          _source: { enabled: false },
          dynamic: false,
          properties: { data: { type: "binary", store: true }, timestamp: { type: "date", store: true } },
        });
        expect(t.template.aliases).toEqual({ [s.tag]: {} });
        expect(t.template.settings.index).toMatchObject({ codec: "best_compression", number_of_shards: "1" });
        // Today's index exists, in the alias, before any write (the day bootstrap ran: a run may cross midnight UTC).
        const inAlias = Object.keys((await s.http("GET", `/_alias/${s.tag}`)).body);
        expect(inAlias).toHaveLength(1);
        expect([dayBefore, s.backend().writeIndex()]).toContain(inAlias[0]);
        // Again: kept, nothing to report.
        expect(await s.backend().bootstrapReport()).toEqual({
          action: "kept",
          codec: "best_compression",
          differences: [],
        });
      });

      it("a codec chosen explicitly that the cluster lacks fails, naming the codecs it has", async () => {
        const s = space();
        const error = await s
          .backend({ codec: "zstd" })
          .bootstrap()
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackendError);
        expect((error as Error).message).toMatch(
          /no codec "zstd" \(it has \[default, lz4, best_compression, zlib\]\)/,
        );
        expect((await s.http("GET", `/_index_template/${s.tag}`)).status).toBe(404);
        // The env variable counts as explicit too, with Python's reading of it.
        const fromEnv = s.backend({ env: { SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: " zstd " } });
        await expect(fromEnv.bootstrap()).rejects.toThrow(/no codec "zstd"/);
        await s.backend({ codec: "default" }).bootstrap();
      });

      it("an existing template without our alias is reported and refused; overwriteTemplate replaces it", async () => {
        const s = space();
        await s.http("PUT", `/_index_template/${s.tag}`, {
          index_patterns: [`${s.tag}-*`],
          template: {
            settings: { number_of_shards: 1, number_of_replicas: 0 },
            mappings: { properties: { data: { type: "text", store: true, index: false } } },
          },
        });
        await expect(s.backend().bootstrap()).rejects.toThrow(/no alias .*overwriteTemplate: true/);
        expect(s.warnings.join("\n")).toMatch(/differs from ours \(fatal\): no alias/);
        // Nothing was created or changed.
        expect(
          (await s.http("GET", `/_index_template/${s.tag}`)).body.index_templates[0].index_template.template
            .aliases,
        ).toBeUndefined();
        const report = await s.backend({ overwriteTemplate: true }).bootstrapReport();
        expect(report.action).toBe("replaced");
        expect(await s.backend().bootstrapReport()).toMatchObject({ action: "kept", differences: [] });
      });
    });

    describe("writes never go where reads cannot see them", () => {
      it("without a template, the first write fails before anything is written", async () => {
        const s = space();
        const [id] = ids(1);
        const error = await new NodeStore(s.backend()).set(id!, { a: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BackendError);
        expect((error as Error).message).toMatch(
          /no index template gives a new index .* the alias .* Run bootstrap\(\)/,
        );
        expect(await s.indices()).toEqual([]);
      });

      it("an existing write index outside the alias is refused, naming the fix", async () => {
        const s = space();
        await s.backend().bootstrap();
        // Tomorrow's index, created by hand without the alias (the template applies, so remove the alias after).
        const tomorrow = s.backend({ now: () => new Date(Date.now() + DAY) });
        await s.http("PUT", `/${tomorrow.writeIndex()}`);
        await s.http("POST", "/_aliases", {
          actions: [{ remove: { index: tomorrow.writeIndex(), alias: s.tag } }],
        });
        const [id] = ids(1);
        await expect(new NodeStore(tomorrow).set(id!, { a: 1 })).rejects.toThrow(
          /exists but is not in alias .*POST \/_aliases/,
        );
      });
    });

    it("a 1 MB incompressible node and a 20 MB event round-trip; a batch over bulkMaxBytes is split", async () => {
      const s = space();
      const backend = s.backend({ bulkMaxBytes: 2 * 1024 * 1024, requestTimeoutMs: 120_000 });
      await backend.bootstrap();
      const [one, twenty] = ids(2);
      // 20 MB of stack frames (zlib: about 3 MB, 4 MB of base64). An incompressible 20 MB node is 28 MB of
      // base64 for the server to hold several times: scripts/measure-mappings.mjs covers it (1 GB heap).
      const frames: string[] = [];
      for (let i = 0; frames.join(",").length < 20 * 1024 * 1024; i++) {
        const batch = Array.from({ length: 1000 }, (_, j) => {
          const n = i * 1000 + j;
          return `{"filename":"app/module_${(n * 2654435761) % 99991}.py","lineno":${n % 977},"context_line":"    return compute(value, options)  # ${randomBytes(3).toString("hex")}"}`;
        });
        frames.push(...batch);
      }
      const values = [randomBytes(1 << 20), Buffer.from(`{"frames":[${frames.join(",")}]}`)];
      expect(values[1]!.byteLength).toBeGreaterThan(20 * 1024 * 1024);
      const counter = countRequests(backend.client);
      await backend.setBytesMulti([
        [one!, values[0]!],
        [twenty!, values[1]!],
      ]);
      expect(counter.paths()).toEqual(["POST /_bulk", "POST /_bulk"]);
      const back = await backend.getBytesMulti([one!, twenty!]);
      expect(hex(back.get(one!) as Uint8Array)).toBe(hex(values[0]));
      expect(Buffer.compare(Buffer.from(back.get(twenty!) as Uint8Array), values[1]!)).toBe(0);
    }, 180_000);

    describe("copies of a node in several daily indices", () => {
      it("the newest copy wins: by stored timestamp, else by the index's day; deletes remove every copy", async () => {
        const s = space();
        const backend = s.backend();
        await backend.bootstrap();
        const [byTime, byDay] = ids(2);
        const day = (d: number) => `${s.tag}-${utcDay(new Date(Date.now() + d * DAY))}`;
        const doc = (text: string, at: string) => ({
          ...documentFor(Buffer.from(`{"v":"${text}"}`), new Date()),
          timestamp: at,
        });
        // Stored timestamps disagree with the index days: the timestamp decides.
        await s.http("PUT", `/${day(-2)}/_doc/${byTime}`, doc("newer", "2026-01-05T00:00:00Z"));
        await s.http("PUT", `/${day(-1)}/_doc/${byTime}`, doc("older", "2026-01-01T00:00:00Z"));
        // Python 1.2's mapping does not store the timestamp: the index's day decides.
        const plain = `${s.tag}-${utcDay(new Date(Date.now() - 3 * DAY))}-nots`;
        await s.http("PUT", `/${plain}`, {
          mappings: {
            _source: { enabled: false },
            properties: {
              data: { type: "keyword", index: false, doc_values: false, store: true },
              timestamp: { type: "date" },
            },
          },
          aliases: { [s.tag]: {} },
        });
        await s.http("PUT", `/${plain}/_doc/${byDay}`, doc("day -3", "2026-02-01T00:00:00Z"));
        const plain2 = `${s.tag}-${utcDay(new Date(Date.now() - 2 * DAY))}-nots`;
        await s.http("PUT", `/${plain2}`, {
          mappings: {
            _source: { enabled: false },
            properties: {
              data: { type: "keyword", index: false, doc_values: false, store: true },
              timestamp: { type: "date" },
            },
          },
          aliases: { [s.tag]: {} },
        });
        await s.http("PUT", `/${plain2}/_doc/${byDay}`, doc("day -2", "2026-01-01T00:00:00Z"));
        const store = new NodeStore(s.backend());
        expect(await store.get(byTime!)).toEqual({ v: "newer" });
        expect(await store.get(byDay!)).toEqual({ v: "day -2" });
        const counter = countRequests((store.backend as OpenSearchBackend).client);
        await store.deleteMulti([byTime!, byDay!]);
        expect(counter.paths()).toEqual(["POST /_mget", "POST /_bulk"]);
        expect(await store.getMulti([byTime!, byDay!])).toEqual(
          new Map([
            [byTime!, null],
            [byDay!, null],
          ]),
        );
      });
    });

    it("a closed index in the alias: its nodes read as missing (said once), the others are served; cleanup drops it", async () => {
      const s = space();
      const backend = s.backend();
      await backend.bootstrap();
      const [inClosed, inOpen] = ids(2);
      const old = s.backend({ now: () => new Date(Date.now() - 10 * DAY) });
      await new NodeStore(old).set(inClosed!, { closed: true });
      await new NodeStore(backend).set(inOpen!, { open: true });
      await s.http("POST", `/${old.writeIndex()}/_close`);
      const store = new NodeStore(s.backend());
      expect(await store.getMulti([inClosed!, inOpen!])).toEqual(
        new Map<string, unknown>([
          [inClosed!, null],
          [inOpen!, { open: true }],
        ]),
      );
      await store.get(inClosed!);
      expect(s.warnings.filter((w) => w.includes("is closed"))).toHaveLength(1);
      const result = await backend.cleanup(new Date(Date.now() - 5 * DAY));
      expect(result.indices).toEqual([old.writeIndex()]);
      expect(await s.indices()).toEqual([backend.writeIndex()]);
    });

    describe("cleanup", () => {
      it("drops whole days before the cutoff (suffixed names too, in or out of the alias), never another pattern", async () => {
        const s = space();
        const backend = s.backend();
        await backend.bootstrap();
        const at = (d: number) => s.backend({ now: () => new Date(Date.now() + d * DAY) });
        const [a, b, c, d] = ids(4);
        await new NodeStore(at(-10)).set(a!, { d: -10 });
        await new NodeStore(at(-1)).set(b!, { d: -1 });
        await new NodeStore(backend).set(c!, { d: 0 });
        const old = (suffix: string) => `${s.tag}-${utcDay(new Date(Date.now() - 10 * DAY))}${suffix}`;
        await s.http(
          "PUT",
          `/${old("-fixed")}/_doc/${d}?refresh=true`,
          documentFor(Buffer.from("{}"), new Date()),
        );
        await s.http("PUT", `/${s.tag}-notes-2000-01-01`);
        await s.http("PUT", `/${s.tag}-archive`);
        await s.http("PUT", `/${old("")}-orphan`); // a day of ours outside the alias (the template adds it: remove)
        await s.http("POST", "/_aliases", {
          actions: [{ remove: { index: `${old("")}-orphan`, alias: s.tag } }],
        });
        await s.http("POST", `/${s.tag}-*/_refresh`);
        const progress: number[] = [];
        const result = await backend.cleanup(new Date(Date.now() - 5 * DAY), {
          onProgress: (p) => progress.push(p.batches),
        });
        expect([...result.indices].sort()).toEqual([old(""), `${old("")}-orphan`, old("-fixed")].sort());
        expect(result.deleted).toBe(2);
        expect(progress).toEqual([1]);
        expect(await s.indices()).toEqual(
          [`${s.tag}-archive`, `${s.tag}-notes-2000-01-01`, backend.writeIndex(), at(-1).writeIndex()].sort(),
        );
        const store = new NodeStore(backend);
        expect(await store.getMulti([a!, b!, c!, d!])).toEqual(
          new Map<string, unknown>([
            [a!, null],
            [b!, { d: -1 }],
            [c!, { d: 0 }],
            [d!, null],
          ]),
        );
        // The cutoff inside yesterday: "day" keeps yesterday whole, "exact" deletes its older documents.
        const lastMs = new Date(`${utcDay(new Date(Date.now() - DAY))}T23:59:59.999Z`);
        expect((await backend.cleanup(lastMs)).indices).toEqual([]);
        expect(await store.get(b!)).toEqual({ d: -1 });
        const exact = await s.backend({ cleanupPrecision: "exact" }).cleanup(lastMs);
        expect(exact).toMatchObject({ indices: [], deletedByQuery: 1, deleted: 1 });
        expect(await store.getMulti([b!, c!])).toEqual(
          new Map<string, unknown>([
            [b!, null],
            [c!, { d: 0 }],
          ]),
        );
      });
    });

    it("requests per call: getMulti(100) 1, setMulti(100) 1, deleteMulti(100) 2 (1 when none exists)", async () => {
      const s = space();
      const backend = s.backend();
      await backend.bootstrap();
      const store = new NodeStore(backend);
      const hundred = ids(100);
      const counter = countRequests(backend.client);
      await store.setMulti(hundred.map((id) => ({ id, main: { id } })));
      expect(counter.paths()).toEqual(["POST /_bulk"]);
      counter.reset();
      const got = await store.getMulti(hundred);
      expect([...got.values()].every((v) => v !== null)).toBe(true);
      expect(counter.paths()).toEqual(["POST /_mget"]);
      counter.reset();
      await store.deleteMulti(hundred);
      expect(counter.paths()).toEqual(["POST /_mget", "POST /_bulk"]);
      counter.reset();
      await store.deleteMulti(hundred);
      expect(counter.paths()).toEqual(["POST /_mget"]);
    });
  });
}
