/** What the codec benchmark prints: the corpus, the throughput table and the compression table. */
import type { Prepared } from "./corpus.js";
import type { PythonMeta } from "./python.js";
import type { CodecRow } from "./rows.js";

const MB = 1e6;

export function printCorpus(c: Prepared): void {
  const s = c.stats;
  console.log(`Corpus: ${c.source}`);
  console.log(
    `  ${s.errors} errors, ${s.transactions} transactions, ${s.withSubkeys} with subkeys; ` +
      `${(c.totalBytes / MB).toFixed(2)} MB encoded (main lines ${(c.mainBytes / MB).toFixed(2)} MB); ` +
      `per event KB min ${s.minKB.toFixed(1)} / median ${s.medianKB.toFixed(1)} / p90 ${s.p90KB.toFixed(1)} / max ${s.maxKB.toFixed(1)}`,
  );
}

/** `identical`: whether our encodings hash like Python's (undefined: no Python reference). */
export function printThroughput(rows: readonly CodecRow[], identical: boolean | undefined): void {
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
        "ours/JSON",
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
        r.jsonRatio === undefined ? "-" : `${r.jsonRatio.toFixed(2)}x`,
        r.python ? fmtSpread(r.python.mbps, r.python.p10, r.python.p90) : "-",
        r.ratio === undefined ? "-" : `${r.ratio.toFixed(2)}x`,
        r.target === undefined ? "-" : `>= ${r.target}x`,
        r.target === undefined ? "-" : r.met === undefined ? "n/a" : r.met ? "met" : "NOT MET",
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
}

/** [layer, our stored bytes, Python's stored bytes] for each compression layer. */
export type CompressionLayer = [name: string, ours: number, python: number | undefined];

export function compressionLayers(c: Prepared, pm: PythonMeta | undefined): CompressionLayer[] {
  return [
    ["zlib (level 6)", c.zlibBytes, pm?.zlib_bytes],
    ["base64(zlib) (Django data column)", c.djangoBytes, pm?.django_bytes],
    ["zstd (level 3)", c.zstdBytes, pm?.zstd_bytes],
  ];
}

export function printCompression(c: Prepared, layers: readonly CompressionLayer[]): void {
  const ratio = (compressed: number) => (compressed ? `${(c.totalBytes / compressed).toFixed(2)}x` : "-");
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
}

/** Plain-text tables. */
export function table(header: string[], rows: string[][], align?: Array<"l" | "r">): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (s: string, i: number) =>
    (align?.[i] ?? (i === 0 ? "l" : "r")) === "l" ? s.padEnd(widths[i]!) : s.padStart(widths[i]!);
  const line = (cells: string[]) => `  ${cells.map((c, i) => pad(c, i)).join("  ")}`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export const fmtRate = (mbps: number | undefined) =>
  mbps === undefined || !Number.isFinite(mbps)
    ? "-"
    : mbps >= 100
      ? mbps.toFixed(0)
      : mbps >= 10
        ? mbps.toFixed(1)
        : mbps.toFixed(2);

/** "123 ±4%": the median, and half the p10..p90 range relative to the median. */
export function fmtSpread(median: number, lo: number, hi: number): string {
  const rate = fmtRate(median);
  if (!Number.isFinite(median) || median === 0) return rate;
  const spread = Math.round(((hi - lo) / 2 / median) * 100);
  return `${rate} ±${spread}%`;
}

export const fmtCount = (n: number) =>
  n >= 1e6
    ? `${(n / 1e6).toFixed(2)}M`
    : n >= 1e4
      ? `${(n / 1e3).toFixed(1)}k`
      : n >= 100
        ? n.toFixed(0)
        : n.toFixed(1);
