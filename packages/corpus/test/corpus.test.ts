import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CorpusEvent,
  corpusStats,
  encodedSize,
  generateCorpus,
  loadCorpus,
  nodeId,
  sentryEncode,
  sentryJsonDumps,
  toJsonl,
} from "../src/index.js";

const digest = (events: CorpusEvent[]) => {
  const h = createHash("sha256");
  for (const e of events) h.update(`${e.id}\n${sentryEncode(e.main, e.subkeys)}\n`);
  return h.digest("hex");
};

// biome-ignore lint/suspicious/noExplicitAny: test code walks loosely typed event JSON
type Obj = Record<string, any>;
const framesOf = (e: CorpusEvent): Obj[] =>
  ((e.main.exception as Obj | undefined)?.values ?? []).flatMap((v: Obj) => v.stacktrace?.frames ?? []);

let corpus: CorpusEvent[];
beforeAll(async () => {
  corpus = await generateCorpus({ seed: 42, count: 300 });
});

describe("generateCorpus", () => {
  it("is deterministic by seed, byte for byte, and a prefix of a larger corpus", async () => {
    const again = await generateCorpus({ seed: 42, count: 300 });
    expect(digest(again)).toBe(digest(corpus));
    const prefix = await generateCorpus({ seed: 42, count: 40 });
    expect(digest(prefix)).toBe(digest(corpus.slice(0, 40)));
    const other = await generateCorpus({ seed: 43, count: 40 });
    expect(digest(other)).not.toBe(digest(prefix));
  });

  // Its speed is the bench's business (no timing assertions in tests); here: a larger run completes whole.
  it("generates 500 events, each with its own node id", async () => {
    const events = await generateCorpus({ seed: 7, count: 500 });
    expect(events).toHaveLength(500);
    expect(new Set(events.map((e) => e.id)).size).toBe(500);
  });

  it("has the intended size distribution (encoded main + subkeys)", () => {
    const s = corpusStats(corpus);
    expect(s.minKB).toBeGreaterThanOrEqual(1);
    expect(s.maxKB).toBeLessThanOrEqual(200);
    expect(s.medianKB).toBeGreaterThanOrEqual(5);
    expect(s.medianKB).toBeLessThanOrEqual(40);
    const sizes = corpus.map(encodedSize);
    const mid = sizes.filter((b) => b >= 5 * 1024 && b <= 40 * 1024).length;
    expect(mid / sizes.length).toBeGreaterThan(0.6);
    expect(sizes.filter((b) => b > 60 * 1024).length).toBeGreaterThan(0); // a tail
  });

  it("mixes errors and transactions, and some errors carry the unprocessed subkey", () => {
    const s = corpusStats(corpus);
    expect(s.errors).toBeGreaterThan(s.count * 0.5);
    expect(s.transactions).toBeGreaterThan(s.count * 0.2);
    expect(s.withSubkeys).toBeGreaterThan(0);
    for (const e of corpus.filter((x) => x.subkeys.length)) {
      expect(e.kind).toBe("error");
      expect(e.subkeys.map(([k]) => k)).toEqual(["unprocessed"]);
      const u = e.subkeys[0]![1] as Obj;
      expect(u.event_id).toBe(e.eventId);
      for (const k of ["_ref", "_ref_version", "nodestore_insert", "hashes", "title", "culprit", "metadata"])
        expect(u).not.toHaveProperty(k);
    }
  });

  it("produces JSON-object main payloads with Sentry's stored fields and matching node ids", () => {
    for (const e of corpus) {
      expect(e.main).toBeTypeOf("object");
      expect(Array.isArray(e.main)).toBe(false);
      expect(sentryJsonDumps(e.main).startsWith("{")).toBe(true);
      expect(JSON.parse(JSON.stringify(e.main))).toEqual(e.main);
      expect(e.eventId).toMatch(/^[0-9a-f]{32}$/);
      expect(e.id).toBe(nodeId(e.projectId, e.eventId));
      expect(e.main._ref).toBe(e.projectId);
      expect(e.main._ref_version).toBe(2);
      expect(e.main.event_id).toBe(e.eventId);
      expect(e.main.project).toBe(e.projectId);
      expect(typeof e.main.nodestore_insert).toBe("number");
      expect(e.main.nodestore_insert as number).toBeGreaterThan(e.main.received as number);
      expect(Array.isArray(e.main.tags)).toBe(true);
      for (const pair of e.main.tags as unknown[]) expect(pair).toHaveLength(2);
      for (const k of [
        "title",
        "metadata",
        "culprit",
        "type",
        "sdk",
        "contexts",
        "platform",
        "_metrics",
        "ingest_path",
      ]) {
        expect(e.main).toHaveProperty(k);
      }
      if (e.kind === "transaction") {
        expect(e.main.type).toBe("transaction");
        for (const k of [
          "spans",
          "start_timestamp",
          "transaction_info",
          "breakdowns",
          "span_grouping_config",
        ])
          expect(e.main).toHaveProperty(k);
      } else {
        expect(e.main).toHaveProperty("hashes");
        expect(e.main).toHaveProperty("grouping_config");
      }
    }
  });

  it("node ids follow Sentry's formula", () => {
    expect(nodeId(1, "a".repeat(32))).toBe("3549e3329672c1f16a38f4704c14dafd");
    expect(nodeId(42, "0123456789abcdef0123456789abcdef")).toBe("57edf0acae59ea297b741f405b721a88");
  });

  it("error events carry real SDK stack traces with context lines, and SDK breadcrumbs", () => {
    const errors = corpus.filter((e) => e.kind === "error");
    const withStack = errors.filter((e) => framesOf(e).length > 0);
    expect(withStack.length).toBeGreaterThan(errors.length * 0.8);
    const frames = withStack.flatMap(framesOf);
    // frames as the SDK's stack parser wrote them, mapped to the deployed layout
    for (const f of frames.filter((x) => x.filename?.startsWith("/usr/src/app/")).slice(0, 500)) {
      expect(typeof f.function).toBe("string");
      expect(f.lineno).toBeGreaterThan(0);
      expect(f.colno).toBeGreaterThan(0);
      expect(typeof f.in_app).toBe("boolean");
    }
    const inApp = frames.filter((f) => f.in_app);
    expect(inApp.length).toBeGreaterThan(0);
    expect(
      inApp.every((f) => typeof f.filename === "string" && f.filename.startsWith("/usr/src/app/src/")),
    ).toBe(true);
    expect(frames.some((f) => f.filename?.includes("/node_modules/express/"))).toBe(true);
    const withContext = frames.filter((f) => typeof f.context_line === "string");
    expect(withContext.length).toBeGreaterThan(frames.length * 0.9);
    // the context line is the source line the SDK pointed at: the throw/call site is on it
    expect(
      withContext.some((f) =>
        /throw |\.available|JSON\.parse|toLocaleLowerCase|\.render\(/.test(f.context_line),
      ),
    ).toBe(true);
    // real V8 messages
    const titles = errors.map((e) => String(e.main.title));
    expect(titles.some((t) => t.startsWith("TypeError: Cannot read properties of undefined"))).toBe(true);
    expect(titles.some((t) => t.startsWith("SyntaxError: "))).toBe(true);
    // linked errors (Error.cause) through the SDK's linkedErrorsIntegration
    expect(
      errors.some((e) =>
        (e.main.exception as Obj | undefined)?.values?.some((v: Obj) => v.mechanism?.type === "chained"),
      ),
    ).toBe(true);

    const crumbs = errors.flatMap((e) => ((e.main.breadcrumbs as Obj | undefined)?.values ?? []) as Obj[]);
    expect(crumbs.length).toBeGreaterThan(errors.length * 5);
    const categories = new Set(crumbs.map((c) => c.category));
    for (const c of ["console", "http", "navigation", "query"]) expect(categories).toContain(c);
    for (const c of crumbs.slice(0, 300)) expect(typeof c.timestamp).toBe("number");
  });

  it("transactions carry spans from Sentry.startSpan with a consistent tree", () => {
    const txs = corpus.filter((e) => e.kind === "transaction");
    const spanCounts = txs.map((e) => (e.main.spans as unknown[]).length);
    expect(Math.max(...spanCounts)).toBeGreaterThan(100);
    for (const e of txs) {
      const trace = (e.main.contexts as Obj).trace;
      const spans = e.main.spans as Obj[];
      const ids = new Set([trace.span_id, ...spans.map((s) => s.span_id)]);
      for (const s of spans) {
        expect(ids.has(s.parent_span_id)).toBe(true);
        expect(s.trace_id).toBe(trace.trace_id);
        expect(s.timestamp).toBeGreaterThanOrEqual(s.start_timestamp);
        expect(typeof s.op).toBe("string");
      }
    }
    const ops = new Set(txs.flatMap((e) => (e.main.spans as Obj[]).map((s) => s.op)));
    for (const op of ["db", "http.client", "middleware.express", "cache.get"]) expect(ops).toContain(op);
  });

  it("is unicode-heavy (non-ASCII text in messages, breadcrumbs and user data)", () => {
    const json = corpus.map((e) => JSON.stringify(e.main)).join("");
    expect(/[\u00c0-\u024f]/.test(json)).toBe(true); // accents
    expect(/[\u3040-\u30ff\u4e00-\u9fff]/.test(json)).toBe(true); // CJK
    expect(/[\u0590-\u05ff\u0600-\u06ff]/.test(json)).toBe(true); // RTL
    expect(/\p{Extended_Pictographic}/u.test(json)).toBe(true); // emoji
  });
});

describe("loadCorpus", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nodestore-corpus-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips a generated corpus through JSONL", async () => {
    const file = join(dir, "corpus.jsonl");
    await writeFile(file, toJsonl(corpus.slice(0, 20)));
    const loaded = await loadCorpus(file);
    expect(loaded.map((e) => [e.id, e.kind, e.main, e.subkeys])).toEqual(
      corpus.slice(0, 20).map((e) => [e.id, e.kind, e.main, e.subkeys]),
    );
  });

  it("reads a directory of bare event files and computes node ids", async () => {
    const events = join(dir, "events");
    await import("node:fs/promises").then((fs) => fs.mkdir(events));
    await writeFile(
      join(events, "a.json"),
      JSON.stringify({ event_id: "AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA", project: 1 }),
    );
    await writeFile(
      join(events, "b.json"),
      JSON.stringify([{ event_id: "0123456789abcdef0123456789abcdef", _ref: 42, type: "transaction" }]),
    );
    const loaded = await loadCorpus(events);
    expect(loaded.map((e) => [e.id, e.projectId, e.kind])).toEqual([
      ["3549e3329672c1f16a38f4704c14dafd", 1, "error"],
      ["57edf0acae59ea297b741f405b721a88", 42, "transaction"],
    ]);
  });
});
