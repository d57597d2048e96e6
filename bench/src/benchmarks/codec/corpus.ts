import { Buffer } from "node:buffer";
import { compression, encodeNodeData } from "@nodestore/core";
import { type CorpusEvent, corpusStats, generateCorpus, loadCorpus } from "@nodestore/corpus";

export const DEFAULT_COUNT = 200;

/** The corpus plus every input form the operations need, prepared once outside the timed loops. */
export type Prepared = {
  source: string;
  events: CorpusEvent[];
  stats: ReturnType<typeof corpusStats>;
  /** encodeNodeData(main, subkeys) per event */
  encoded: Uint8Array[];
  /** the main JSON line as a string (what JSON.parse gets), and its byte count */
  mainText: string[];
  mainBytes: number;
  /** every JSON line (main, then subkey values) as strings */
  allText: string[][];
  totalBytes: number;
  zlib: Uint8Array[];
  django: string[];
  zstd: Uint8Array[];
  zlibBytes: number;
  djangoBytes: number;
  zstdBytes: number;
};

export async function prepareCorpus(opts: {
  path?: string;
  count?: number;
  seed: number;
}): Promise<Prepared> {
  const t0 = performance.now();
  const events = opts.path
    ? await loadCorpus(opts.path)
    : await generateCorpus({ seed: opts.seed, count: opts.count ?? DEFAULT_COUNT });
  if (events.length === 0) throw new Error("the corpus is empty");
  const source = opts.path
    ? `${opts.path} (${events.length} events)`
    : `generated, seed ${opts.seed}, ${events.length} events (${Math.round(performance.now() - t0)} ms)`;
  const encoded = events.map((e) => encodeNodeData(e.main, e.subkeys));
  const lines = encoded.map((b) =>
    Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1").split("\n"),
  );
  const mainText = lines.map((l) => l[0]!);
  const allText = lines.map((l) => l.filter((_, i) => i % 2 === 0));
  const zlib = encoded.map((b) => compression.zlib.compress(b));
  const django = encoded.map((b) => compression.zlibBase64.encode(b));
  const zstd = encoded.map((b) => compression.zstd.compress(b));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    source,
    events,
    stats: corpusStats(events),
    encoded,
    mainText,
    mainBytes: sum(mainText.map((s) => s.length)),
    allText,
    totalBytes: sum(encoded.map((b) => b.byteLength)),
    zlib,
    django,
    zstd,
    zlibBytes: sum(zlib.map((b) => b.byteLength)),
    djangoBytes: sum(django.map((s) => s.length)),
    zstdBytes: sum(zstd.map((b) => b.byteLength)),
  };
}
