import type { Comparison, ComparisonTarget, Distribution, ProvidersBenchResult } from "./schema.js";

const thousands = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 12,345 / 123 / 12.3 / 1.23 / 0.123 */
export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 100) return thousands.format(n);
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  if (a === 0) return "0";
  return n.toPrecision(2);
}

export function fmtMs(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Decimal units, like MB/s: 1 kB = 1000 bytes. */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}

export function fmtSpread(d: Distribution | null | undefined): string {
  if (!d) return "";
  return `±${(d.spread * 100).toFixed(d.spread < 0.1 ? 1 : 0)}%`;
}

export function fmtRatio(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return `${n >= 10 ? n.toFixed(1) : n.toFixed(2)}×`;
}

export function fmtTarget(t: ComparisonTarget | null): string {
  if (!t) return "–";
  const op = t.op === ">=" ? "≥" : "≤";
  return t.of === "ratio" ? `${op} ${t.value}×` : `${op} ${t.value}`;
}

export function fmtMet(c: Comparison): string {
  if (c.target === null) return "report only";
  if (c.met === null) return "not measured";
  return c.met ? "met" : "NOT MET";
}

export function fmtComparisonValue(c: Comparison, side: "ours" | "baseline"): string {
  const v = c[side].value;
  if (c.metric === "requestsPerOp") {
    if (side === "baseline" && v === null) return "–";
    return v === null ? "–" : `${fmtNum(v)} req/call`;
  }
  return v === null ? "–" : `${fmtNum(v)} nodes/s`;
}

export function describeRun(r: ProvidersBenchResult): string {
  const s = r.settings;
  return `${s.mode} mode: ${s.warmupRuns} warm-up + ${s.runs} timed runs of ${s.runMs} ms (≤ ${s.maxOpsPerRun} calls) per scenario`;
}

export function describeCorpus(r: ProvidersBenchResult): string {
  const c = r.corpus;
  const from = c.source === "generated" ? `generated (seed ${c.seed})` : `from ${c.path}`;
  return (
    `${c.events} Sentry-shaped events ${from}: ${c.errors} errors, ${c.transactions} transactions, ` +
    `${c.withSubkeys} with a subkey; ${fmtBytes(c.logicalBytes)} logical, ` +
    `median ${fmtBytes(c.bytesPerEvent.median)}, p90 ${fmtBytes(c.bytesPerEvent.p90)}, max ${fmtBytes(c.bytesPerEvent.max)}`
  );
}

export function describeMachine(r: ProvidersBenchResult): string {
  const m = r.machine;
  return (
    `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ` +
    `${m.os.platform} ${m.os.release} ${m.os.arch}, load ${m.loadAverage.map((l) => l.toFixed(2)).join(" ")}`
  );
}

/** Plain-text table: columns padded, numbers right-aligned. */
export function textTable(
  header: string[],
  rows: string[][],
  align: Array<"l" | "r">,
  indent = "  ",
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (align[i] === "r" ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function markdownTable(header: string[], rows: string[][], align: Array<"l" | "r">): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `|${align.map((a) => (a === "r" ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}
