/**
 * The codec benchmark: our encoder/decoder and compression layers on a Sentry-shaped corpus, beside
 * JSON.stringify/JSON.parse on the same data and beside Sentry's own Python code (simplejson, zlib, base64,
 * zstandard) timed on the same corpus in the same run.
 */

import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { decodeNodeData, parseNodeData } from "@nodestore/core";
import { toJsonl } from "@nodestore/corpus";
import type { Args } from "../args.js";
import { prepareCorpus } from "./corpus.js";
import { FULL, measure, QUICK, type Timing } from "./measure.js";
import { operations } from "./operations.js";
import { PythonSession, type PythonTiming } from "./python.js";
import { fmtCount, fmtRate, fmtSpread, table } from "./report.js";

const MB = 1e6;

export type CodecRow = {
  op: string;
  label: string;
  bytes: number;
  unit: "main" | "all";
  ours?: { mbps: number; p10: number; p90: number; eventsPerSec: number };
  json?: { mbps: number };
  python?: { mbps: number; p10: number; p90: number };
  ratio?: number;
  target?: number;
  met?: boolean;
};

export async function runCodecBench(args: Args) {
  const opts = args.quick ? QUICK : FULL;
  console.log(`\n== codec benchmark${args.quick ? " (quick)" : ""} ==`);
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} x${cpus().length}`);

  const c = await prepareCorpus({ path: args.corpus, count: args.count, seed: args.seed });
  const s = c.stats;
  console.log(`Corpus: ${c.source}`);
  console.log(
    `  ${s.errors} errors, ${s.transactions} transactions, ${s.withSubkeys} with subkeys; ` +
      `${(c.totalBytes / MB).toFixed(2)} MB encoded (main lines ${(c.mainBytes / MB).toFixed(2)} MB); ` +
      `per event KB min ${s.minKB.toFixed(1)} / median ${s.medianKB.toFixed(1)} / p90 ${s.p90KB.toFixed(1)} / max ${s.maxKB.toFixed(1)}`,
  );

  // sanity: the codec round-trips the corpus before we time it
  for (let i = 0; i < c.events.length; i++) {
    const e = c.events[i]!;
    if (!isDeepStrictEqual(decodeNodeData(c.encoded[i]!), e.main))
      throw new Error(`decodeNodeData does not round-trip event ${e.id}`);
    const parsed = parseNodeData(c.encoded[i]!, { lossless: true });
    if (parsed.subkeys.length !== e.subkeys.length)
      throw new Error(`parseNodeData lost subkeys of event ${e.id}`);
  }

  const ops = operations(c);
  let py: PythonSession | undefined;
  let dir: string | undefined;
  if (args.python) {
    dir = await mkdtemp(join(tmpdir(), "nodestore-bench-"));
    const file = join(dir, "corpus.jsonl");
    await writeFile(file, toJsonl(c.events));
    const started = await PythonSession.start(file);
    if (started.ok) {
      py = started.session;
      const m = py.meta;
      console.log(
        `Python reference: ${m.executable} (Python ${m.python} ${m.implementation}, simplejson ${m.simplejson}` +
          `${m.simplejson_speedups ? " with C speedups" : " WITHOUT C speedups"}, zstandard ${m.zstandard}, zlib ${m.zlib})`,
      );
    } else {
      console.log(`Python reference skipped: ${started.reason}`);
    }
  } else {
    console.log("Python reference skipped: --no-python");
  }

  const load = loadavg()[0]!;
  if (load > cpus().length * 0.5) {
    console.log(
      `Note: load average ${load.toFixed(1)} on ${cpus().length} cores; other processes are competing, expect noisy figures.`,
    );
  }

  // Operation by operation: TypeScript (tinybench) and Python back to back, alternating which goes first,
  // so that a change in machine load affects both sides of a ratio alike.
  const timings = new Map<string, Timing>();
  const pyTimings = new Map<string, PythonTiming>();
  const pyOpts = { minTime: opts.time / 1000, minRounds: opts.iterations, warmup: opts.warmupIterations };
  process.stdout.write(
    `Timing ${ops.length} operations (${opts.time} ms and >= ${opts.iterations} runs per task): `,
  );
  const t0 = performance.now();
  try {
    for (const [k, op] of ops.entries()) {
      const timePython = async () => {
        if (py && op.python) pyTimings.set(op.id, await py.time(op.python, pyOpts));
      };
      if (k % 2 === 1) await timePython();
      const tasks = Object.entries(op.run).map(
        ([impl, fn]) => [`${op.id}/${impl}`, fn] as [string, () => void],
      );
      for (const [name, t] of await measure(tasks, opts)) timings.set(name, t);
      if (k % 2 === 0) await timePython();
      process.stdout.write(".");
    }
  } finally {
    py?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  console.log(` ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // byte-for-byte check against Sentry's encoder on the same corpus
  let identical: boolean | undefined;
  const pm = py?.meta;
  if (pm) {
    const h = createHash("sha256");
    c.encoded.forEach((b, i) => {
      if (i > 0) h.update(new Uint8Array([0]));
      h.update(b);
    });
    identical = h.digest("hex") === pm.encoded_sha256 && pm.total_bytes === c.totalBytes;
  }

  const rows: CodecRow[] = ops.map((op) => {
    const bytes = op.bytes === "main" ? c.mainBytes : c.totalBytes;
    const row: CodecRow = {
      op: op.id,
      label: op.label,
      bytes,
      unit: op.bytes === "main" ? "main" : "all",
      target: op.target,
    };
    const rate = (ms: number) => bytes / MB / (ms / 1000);
    const ours: Timing | undefined = timings.get(`${op.id}/ours`);
    if (ours) {
      row.ours = {
        mbps: rate(ours.medianMs),
        p10: rate(ours.p90Ms),
        p90: rate(ours.p10Ms),
        eventsPerSec: c.events.length / (ours.medianMs / 1000),
      };
    }
    const json = timings.get(`${op.id}/json`);
    if (json) row.json = { mbps: rate(json.medianMs) };
    const p = pyTimings.get(op.id);
    if (p) {
      const prate = (sec: number) => bytes / MB / sec;
      row.python = { mbps: prate(p.median_s), p10: prate(p.p90_s), p90: prate(p.p10_s) };
      if (row.ours) row.ratio = row.ours.mbps / row.python.mbps;
      if (row.ratio !== undefined && op.target !== undefined) row.met = row.ratio >= op.target;
    }
    return row;
  });

  console.log(
    `\nThroughput in MB/s (1 MB = 10^6 bytes of encoded nodestore payload; "main" rows count only the main JSON line),`,
  );
  console.log(`median ±half the p10..p90 range; ev/s = events per second.\n`);
  console.log(
    table(
      [
        "operation",
        "bytes",
        "ours MB/s",
        "ours ev/s",
        "JSON.* MB/s",
        "Python MB/s",
        "ours/Py",
        "target",
        "status",
      ],
      rows.map((r) => [
        r.label,
        r.unit,
        r.ours ? fmtSpread(r.ours.mbps, r.ours.p10, r.ours.p90) : "-",
        r.ours ? fmtCount(r.ours.eventsPerSec) : "-",
        fmtRate(r.json?.mbps),
        r.python ? fmtSpread(r.python.mbps, r.python.p10, r.python.p90) : "-",
        r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}x`,
        r.target === undefined ? "" : `>= ${r.target}x`,
        r.target === undefined ? "" : r.met === undefined ? "n/a" : r.met ? "met" : "NOT MET",
      ]),
    ),
  );
  console.log(
    "\n  JSON.* = JSON.stringify (encode) / JSON.parse on the already-split main line string (decode) / on every line (lossless):",
  );
  console.log(
    "  not Sentry-compatible (unsorted keys, no ensure_ascii, no framing checks); a speed yardstick only.",
  );
  console.log(
    "  Python = Sentry's _encode/_decode with simplejson configured as Sentry; lossless is compared with loads() of every line.",
  );
  if (identical !== undefined) {
    console.log(`  Encoded bytes identical to Python's encoder on this corpus: ${identical ? "yes" : "NO"}`);
  }

  const ratio = (compressed: number) => (compressed ? `${(c.totalBytes / compressed).toFixed(2)}x` : "-");
  const layers: Array<[string, number, number | undefined]> = [
    ["zlib (level 6)", c.zlibBytes, pm?.zlib_bytes],
    ["base64(zlib) (Django data column)", c.djangoBytes, pm?.django_bytes],
    ["zstd (level 3)", c.zstdBytes, pm?.zstd_bytes],
  ];
  console.log(
    `\nCompression on this corpus (encoded ${(c.totalBytes / MB).toFixed(2)} MB; ratio = encoded bytes / stored bytes):\n`,
  );
  console.log(
    table(
      ["layer", "stored MB", "ratio", "Python stored MB", "Python ratio"],
      layers.map(([name, ours, python]) => [
        name,
        (ours / MB).toFixed(3),
        ratio(ours),
        python === undefined ? "-" : (python / MB).toFixed(3),
        python === undefined ? "-" : ratio(python),
      ]),
    ),
  );

  return {
    node: process.version,
    corpus: { source: c.source, ...s, encodedBytes: c.totalBytes, mainBytes: c.mainBytes },
    python: pm
      ? {
          version: pm.python,
          simplejson: pm.simplejson,
          speedups: pm.simplejson_speedups,
          zstandard: pm.zstandard,
        }
      : null,
    loadAverage: load,
    identicalToPython: identical ?? null,
    rows,
    compression: Object.fromEntries(
      layers.map(([name, ours, python]) => [name, { ours, python: python ?? null, encoded: c.totalBytes }]),
    ),
  };
}
