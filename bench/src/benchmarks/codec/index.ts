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
import { type Prepared, prepareCorpus } from "./corpus.js";
import { FULL, QUICK } from "./measure.js";
import { operations } from "./operations.js";
import { type PythonMeta, PythonSession } from "./python.js";
import { compressionLayers, printCompression, printCorpus, printThroughput } from "./report.js";
import { codecRows } from "./rows.js";
import { timeOperations } from "./timing.js";

export type { CodecRow } from "./rows.js";

export interface CodecBenchOptions {
  quick: boolean;
  corpus: string | undefined;
  count: number | undefined;
  seed: number;
  /** Time Sentry's Python code too (when a Python with simplejson and zstandard is there). */
  python: boolean;
}

export async function runCodecBench(args: CodecBenchOptions) {
  const opts = args.quick ? QUICK : FULL;
  console.log(`\n== codec benchmark${args.quick ? " (quick)" : ""} ==`);
  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} x${cpus().length}`);

  const c = await prepareCorpus({ path: args.corpus, count: args.count, seed: args.seed });
  printCorpus(c);
  checkRoundTrip(c);
  const ops = operations(c);
  const reference = args.python ? await startPythonReference(c) : undefined;
  if (!args.python) console.log("Python reference skipped: --no-python");
  const py = reference?.session;

  const load = loadavg()[0]!;
  if (load > cpus().length * 0.5) {
    console.log(
      `Note: load average ${load.toFixed(1)} on ${cpus().length} cores; other processes are competing, expect noisy figures.`,
    );
  }

  let timings: Awaited<ReturnType<typeof timeOperations>>;
  try {
    timings = await timeOperations(ops, py, opts);
  } finally {
    await reference?.close();
  }
  console.log(` ${(timings.elapsedMs / 1000).toFixed(1)} s`);

  const pm = py?.meta;
  const identical = pm ? identicalToPython(c, pm) : undefined;
  const rows = codecRows(c, ops, timings);
  printThroughput(rows, identical);
  const layers = compressionLayers(c, pm);
  printCompression(c, layers);

  return {
    node: process.version,
    corpus: { source: c.source, ...c.stats, encodedBytes: c.totalBytes, mainBytes: c.mainBytes },
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

/** The codec must round-trip the corpus before it is timed. */
function checkRoundTrip(c: Prepared): void {
  for (let i = 0; i < c.events.length; i++) {
    const e = c.events[i]!;
    if (!isDeepStrictEqual(decodeNodeData(c.encoded[i]!), e.main))
      throw new Error(`decodeNodeData does not round-trip event ${e.id}`);
    const parsed = parseNodeData(c.encoded[i]!, { lossless: true });
    if (parsed.subkeys.length !== e.subkeys.length)
      throw new Error(`parseNodeData lost subkeys of event ${e.id}`);
  }
}

/**
 * bench/python/codec_bench.py on the same corpus (handed over as JSONL in a temporary directory); says which
 * Python it is, or why there is none.
 */
async function startPythonReference(
  c: Prepared,
): Promise<{ session: PythonSession | undefined; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "nodestore-bench-"));
  const file = join(dir, "corpus.jsonl");
  await writeFile(file, toJsonl(c.events));
  const started = await PythonSession.start(file);
  if (started.ok) {
    const m = started.session.meta;
    console.log(
      `Python reference: ${m.executable} (Python ${m.python} ${m.implementation}, simplejson ${m.simplejson}` +
        `${m.simplejson_speedups ? " with C speedups" : " WITHOUT C speedups"}, zstandard ${m.zstandard}, zlib ${m.zlib})`,
    );
  } else {
    console.log(`Python reference skipped: ${started.reason}`);
  }
  const session = started.ok ? started.session : undefined;
  return {
    session,
    async close() {
      session?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Byte-for-byte check against Sentry's encoder on the same corpus: the sha256 of every encoding, NUL-separated. */
function identicalToPython(c: Prepared, pm: PythonMeta): boolean {
  const h = createHash("sha256");
  c.encoded.forEach((b, i) => {
    if (i > 0) h.update(new Uint8Array([0]));
    h.update(b);
  });
  return h.digest("hex") === pm.encoded_sha256 && pm.total_bytes === c.totalBytes;
}
