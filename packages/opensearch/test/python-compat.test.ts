// Cross-implementation: the real sentry-opensearch-nodestore 1.2.0 (PyPI, driven through compat/ref.py with
// opensearch-py 3.2) and this package on the same cluster, both directions, on every configured OpenSearch.
import { goldenPayloads } from "@nodestore/conformance";
import { encodeNodeData, eventNodeId, NodeStore } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcDay } from "../src/index.js";
import {
  countRequests,
  DAY,
  hex,
  type OpenSearchTarget,
  openSearchTargets,
  pythonConfigured,
  runTag,
  type Scratch,
  scratch,
  utf8,
} from "./helpers.js";

const targets = openSearchTargets();
const python = pythonConfigured();
if (targets.length === 0 || !python)
  it.skip("OpenSearch or the Python reference is not configured", () => {});
else for (const target of targets) describeTarget(target);

function ids(n: number): string[] {
  const run = runTag().slice(3);
  return Array.from({ length: n }, (_, i) =>
    eventNodeId(3, `${run}${String(i).padStart(32 - run.length, "0")}`),
  );
}

function describeTarget(target: OpenSearchTarget): void {
  describe(`Python plugin (sentry-opensearch-nodestore 1.2.0) <-> @nodestore/opensearch on ${target.label}`, () => {
    const spaces: Scratch[] = [];
    const space = () => {
      const s = scratch(target);
      spaces.push(s);
      return s;
    };
    afterAll(async () => {
      for (const s of spaces) await s.drop();
    });

    describe("Python's template and indices", () => {
      let s: Scratch;
      let py: ReturnType<Scratch["python"]>;
      const [sub, special, raw, big, missing, ...golden] = ids(5 + 4);
      const goldens = goldenPayloads
        .filter((g) =>
          ["minimal_event", "seed_worked_example", "escapes", "random_event_20"].includes(g.name),
        )
        .map((g, i) => ({ ...g, id: golden[i]! }));
      const bigMain = { frames: Array.from({ length: 3000 }, (_, i) => ({ i, f: `frame ${i} é 😀` })) };
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);

      beforeAll(async () => {
        s = space();
        py = s.python();
        // Python bootstraps its own template (keyword data, unstored timestamp) on its first put.
        await py.ref.put(
          "opensearch",
          sub!,
          { event_id: "x", message: "héllo 😀" },
          {
            args: py.args,
            subkeys: { unprocessed: { raw: true } },
          },
        );
        await py.ref.putJson(
          "opensearch",
          special!,
          '{"big":18446744073709551616,"f":1.0,"e":1e+16,"nan":NaN}',
          {
            args: py.args,
          },
        );
        await py.ref.putBytes("opensearch", raw!, binary, { args: py.args });
        await py.ref.put("opensearch", big!, bigMain, { args: py.args });
        for (const g of goldens) await py.ref.putBytes("opensearch", g.id, g.bytes, { args: py.args });
      }, 120_000);

      it("what Python wrote reads here: subkeys, NaN and big integers, raw bytes, a large payload, golden payloads", async () => {
        const store = new NodeStore(s.backend());
        expect(await store.get(sub!)).toEqual({ event_id: "x", message: "héllo 😀" });
        expect(await store.get(sub!, "unprocessed")).toEqual({ raw: true });
        const got = (await store.get(special!)) as Record<string, unknown>;
        expect(got.big).toBe(18446744073709551616n);
        expect(got.nan).toBeNaN();
        expect(Buffer.from((await store.getBytes(special!))!).toString()).toBe(
          '{"big":18446744073709551616,"e":1e+16,"f":1.0,"nan":NaN}',
        );
        expect(hex(await store.getBytes(raw!))).toBe(hex(binary));
        expect(await store.get(big!)).toEqual(bigMain);
        for (const g of goldens) expect(hex(await store.getBytes(g.id)), g.name).toBe(hex(g.bytes));
        // Python's stored form is ours: data = base64(zlib(bytes)), the Postgres column's text.
        const seen = (await py.ref.inspect("opensearch", sub!, { args: py.args })) as {
          hits: Array<{ data: string }>;
        };
        const encoded = await py.ref.encode(
          { event_id: "x", message: "héllo 😀" },
          { unprocessed: { raw: true } },
        );
        expect(seen.hits[0]!.data).toBe(encoded.djangoData);
        expect(hex(await store.getBytes(sub!))).toBe(
          hex(encodeNodeData({ event_id: "x", message: "héllo 😀" }, [["unprocessed", { raw: true }]])),
        );
      });

      it("getMulti of Python's nodes is one request, missing ids null", async () => {
        const backend = s.backend();
        const store = new NodeStore(backend);
        await backend.catalog.aliasIndices(); // the alias's index list, fetched once and reused
        const counter = countRequests(backend.client);
        const all = [sub!, special!, raw!, big!, missing!, ...goldens.map((g) => g.id)];
        const many = await store.getBytesMulti(all);
        expect(counter.paths()).toEqual(["POST /_mget"]);
        expect(many.get(missing!)).toBeNull();
        expect(hex(many.get(raw!) as Uint8Array)).toBe(hex(binary));
        for (const g of goldens) expect(hex(many.get(g.id) as Uint8Array)).toBe(hex(g.bytes));
      });

      it("an index made by Python's template takes our writes, and Python reads them (after a refresh)", async () => {
        const store = new NodeStore(s.backend());
        const [a, b] = ids(2);
        const main = { _ref: 1, message: "ünïcode ✓", list: [1, 2.5, null] };
        await store.setSubkeys(a!, { main, subkeys: { unprocessed: { x: [1] } } });
        await store.setBytes(b!, utf8('{"big":18446744073709551616,"f":1.0}'));
        expect(await py.ref.get("opensearch", a!, { args: py.args })).toEqual(main);
        expect(await py.ref.get("opensearch", a!, { args: py.args, subkey: "unprocessed" })).toEqual({
          x: [1],
        });
        expect(Buffer.from((await py.ref.getBytes("opensearch", b!, { args: py.args }))!).toString()).toBe(
          '{"big":18446744073709551616,"f":1.0}',
        );
        // Python's bootstrap found its template and kept it; ours keeps it too, reporting how it differs.
        const report = await s.backend().bootstrapReport();
        expect(report.action).toBe("kept");
        expect(report.differences.map((d) => d.severity)).not.toContain("fatal");
        expect(report.differences.some((d) => d.what.includes("keyword"))).toBe(true);
      });

      it("deletes cross over: ours remove Python's nodes, Python's remove ours", async () => {
        const store = new NodeStore(s.backend());
        const [a, b] = ids(2);
        await py.ref.put("opensearch", a!, { py: 1 }, { args: py.args });
        await store.set(b!, { ts: 1 });
        await store.delete(a!);
        await py.ref.delete("opensearch", b!, { args: py.args });
        expect(await store.get(a!)).toBeNull();
        expect(await store.get(b!)).toBeNull();
        expect(await py.ref.get("opensearch", a!, { args: py.args })).toBeNull();
      });
    });

    it("our template and indices: Python's bootstrap keeps it, Python writes there and reads what we wrote", async () => {
      const s = space();
      const py = s.python();
      const backend = s.backend();
      const store = new NodeStore(backend);
      await store.bootstrap();
      const [ours, theirs] = ids(2);
      await store.setSubkeys(ours!, { main: { from: "ts" }, subkeys: { unprocessed: { n: 1 } } });
      await py.ref.put("opensearch", theirs!, { from: "python" }, { args: py.args }); // bootstrap() first: kept
      expect(await py.ref.getMulti("opensearch", [ours!, theirs!], { args: py.args })).toEqual({
        [ours!]: { from: "ts" },
        [theirs!]: { from: "python" },
      });
      expect(await py.ref.get("opensearch", ours!, { args: py.args, subkey: "unprocessed" })).toEqual({
        n: 1,
      });
      expect(await store.get(theirs!)).toEqual({ from: "python" });
      const template = await s.http("GET", `/_index_template/${s.tag}`);
      const mapping = template.body.index_templates[0].index_template.template.mappings.properties;
      expect(mapping.data).toEqual({ type: "binary", store: true });
      // Binary: the index holds the zlib bytes, and hands back the same base64 text Python wrote.
      const seen = (await py.ref.inspect("opensearch", theirs!, { args: py.args })) as {
        hits: Array<{ data: string }>;
      };
      expect(seen.hits[0]!.data).toBe((await py.ref.encode({ from: "python" })).djangoData);
    });

    it("a node in two daily indices reads the newest here (Python: None, its search wants exactly one hit)", async () => {
      const s = space();
      const py = s.python();
      const [id] = ids(1);
      await py.ref.put("opensearch", id!, { copy: "today, by Python" }, { args: py.args });
      const yesterday = s.backend({ now: () => new Date(Date.now() - DAY) });
      await new NodeStore(yesterday).set(id!, { copy: "yesterday" });
      expect((await s.indices()).length).toBe(2);
      expect(await new NodeStore(s.backend()).get(id!)).toEqual({ copy: "today, by Python" });
      expect(await py.ref.get("opensearch", id!, { args: py.args })).toBeNull();
      // Our delete removes both copies.
      await new NodeStore(s.backend()).delete(id!);
      expect(await new NodeStore(s.backend()).get(id!)).toBeNull();
      await s.http("POST", `/${s.tag}/_refresh`);
      const left = await s.http("POST", `/${s.tag}/_search`, { query: { ids: { values: [id] } } });
      expect(left.body.hits.total.value).toBe(0);
    });

    it("Python's local-day index names (a Sentry process at UTC+14) read here", async () => {
      const s = space();
      const py = s.python({ TZ: "Etc/GMT-14" });
      const [id] = ids(1);
      await py.ref.put("opensearch", id!, { tz: "+14" }, { args: py.args });
      const local = new Date(Date.now() + 14 * 3600 * 1000);
      expect(await s.indices()).toEqual([`${s.tag}-${utcDay(local)}`]);
      expect(await new NodeStore(s.backend()).get(id!)).toEqual({ tz: "+14" });
    });

    it("cleanup removes prefixed indices here; Python's cleanup cannot parse their names and keeps them", async () => {
      const s = space();
      const prefix = `p${s.tag}`;
      const options = {
        index: undefined,
        indexPrefix: prefix,
        indexPattern: `sentry-${prefix}-*`,
        cleanupPrecision: "day" as const,
      };
      const [old, fresh] = ids(2);
      await s.backend(options).bootstrap();
      await new NodeStore(s.backend({ ...options, now: () => new Date(Date.now() - 10 * DAY) })).set(old!, {
        old: 1,
      });
      const store = new NodeStore(s.backend(options));
      await store.set(fresh!, { fresh: 1 });
      const oldIndex = `sentry-${prefix}-${utcDay(new Date(Date.now() - 10 * DAY))}`;
      expect(await s.indices()).toContain(oldIndex);
      const py = s.python();
      await py.ref.run(["opensearch", "cleanup", "--days", "5", ...py.args]);
      expect(await s.indices()).toContain(oldIndex); // the plugin split "sentry-p…-YYYY-MM-DD" on "-": no date
      const result = await store.cleanup(new Date(Date.now() - 5 * DAY));
      expect(result.batches).toBe(1);
      expect(await s.indices()).toEqual([`sentry-${prefix}-${utcDay(new Date())}`]);
      expect(await store.get(old!)).toBeNull();
      expect(await store.get(fresh!)).toEqual({ fresh: 1 });
    });

    it("andrsp/wedeploy documents (text mapping, naive utcnow() timestamp) and airdry 1.0 (binary) read here", async () => {
      const s = space();
      const py = s.python();
      const { djangoData } = await py.ref.encode({ legacy: "text" }, { unprocessed: { u: 1 } });
      const [t, b] = ids(2);
      // andrsp <= 1.0.2 / wedeploy's template, as their bootstrap creates it.
      await s.http("PUT", `/_index_template/${s.tag}`, {
        index_patterns: [`${s.tag}-*`],
        template: {
          settings: { number_of_shards: 1, number_of_replicas: 0 },
          mappings: {
            _source: { enabled: false },
            dynamic: "false",
            dynamic_templates: [],
            properties: {
              data: { type: "text", index: false, store: true },
              timestamp: { type: "date", store: true },
            },
          },
          aliases: { [s.tag]: {} },
        },
      });
      const day = `${s.tag}-${utcDay(new Date())}`;
      await s.http("PUT", `/${day}/_doc/${t}`, { data: djangoData, timestamp: "2026-01-02T03:04:05.678901" });
      // airdry 1.0.x's binary mapping, in a second index joining the alias.
      const v1 = `${s.tag}-${utcDay(new Date(Date.now() - DAY))}-v1`;
      await s.http("PUT", `/${v1}`, {
        mappings: {
          _source: { enabled: false },
          properties: {
            data: { type: "binary", doc_values: false, store: true },
            timestamp: { type: "date", store: true },
          },
        },
        aliases: { [s.tag]: {} },
      });
      await s.http("PUT", `/${v1}/_doc/${b}`, { data: djangoData, timestamp: "2026-01-01T00:00:00+00:00" });
      const store = new NodeStore(s.backend());
      expect(await store.get(t!)).toEqual({ legacy: "text" });
      expect(await store.get(t!, "unprocessed")).toEqual({ u: 1 });
      expect(await store.get(b!)).toEqual({ legacy: "text" });
      // Our writes go into the text-mapped template's indices and read back, here and in Python.
      const [w] = ids(1);
      await store.set(w!, { written: "here" });
      expect(await py.ref.get("opensearch", w!, { args: py.args })).toEqual({ written: "here" });
    });
  });
}
