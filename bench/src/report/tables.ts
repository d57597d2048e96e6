/** The rows shared by the terminal table and the Markdown summary. */
import {
  fmtBytes,
  fmtComparisonValue,
  fmtMet,
  fmtMs,
  fmtNum,
  fmtRatio,
  fmtSpread,
  fmtTarget,
} from "./format.js";
import type { ProviderResult, ProvidersBenchResult } from "./schema.js";

export interface Table {
  header: string[];
  align: Array<"l" | "r">;
  rows: string[][];
}

/** Comparison notes, each once (the three concurrencies of one comparison share theirs). */
export function comparisonNotes(r: ProvidersBenchResult): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of r.comparisons) {
    if (!c.note) continue;
    const line = `#${c.issue} ${c.title.replace(/, \d+ in flight$/, "")}: ${c.note}`;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}

export function providerLines(r: ProvidersBenchResult): Array<[string, string]> {
  return r.providers.map((p) => [p.name, p.line]);
}

export function scenarioTable(p: ProviderResult): Table {
  return {
    header: [
      "scenario",
      "call",
      "in flight",
      "calls/s",
      "spread",
      "nodes/s",
      "MB/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "req/call",
    ],
    align: ["l", "l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    rows: p.scenarios.map((s) => {
      const id = s.baseline ? `  ${s.id} (baseline)` : s.id;
      if (s.status !== "ok")
        return [id, s.operation, String(s.concurrency), s.status, "", "", "", "", "", "", ""];
      return [
        id,
        s.operation,
        String(s.concurrency),
        fmtNum(s.opsPerSec?.median),
        fmtSpread(s.opsPerSec),
        fmtNum(s.nodesPerSec?.median),
        s.mbPerSec ? fmtNum(s.mbPerSec.median) : "–",
        fmtMs(s.latencyMs?.p50),
        fmtMs(s.latencyMs?.p95),
        fmtMs(s.latencyMs?.p99),
        s.requestsPerOp === null ? "n/a" : fmtNum(s.requestsPerOp),
      ];
    }),
  };
}

/** Headline: one row per provider with the figures people choose on. */
export function summaryTable(r: ProvidersBenchResult): Table {
  const conc = r.settings.ingestConcurrency;
  const rows = r.providers
    .filter((p) => p.status === "ran")
    .map((p) => {
      const get = (id: string) => p.scenarios.find((s) => s.id === id && s.status === "ok");
      const ingest = conc.map((c) => fmtNum(get(`ingest-c${c}`)?.nodesPerSec?.median));
      const ingestMb = get(`ingest-c${Math.max(...conc)}`)?.mbPerSec?.median;
      const read = get(`read-getMulti${r.settings.readBatch}`);
      return [
        p.name,
        ...ingest,
        fmtNum(ingestMb),
        fmtNum(read?.nodesPerSec?.median),
        fmtMs(read?.latencyMs?.p50),
        p.storage ? fmtBytes(p.storage.storedBytesPerNode) : "–",
        p.storage ? fmtRatio(p.storage.ratio) : "–",
      ];
    });
  return {
    header: [
      "provider",
      ...conc.map((c) => `ingest c${c} nodes/s`),
      `ingest c${Math.max(...conc)} MB/s`,
      `getMulti(${r.settings.readBatch}) nodes/s`,
      "getMulti p50 ms",
      "stored/node",
      "ratio",
    ],
    align: ["l", ...conc.map(() => "r" as const), "r", "r", "r", "r", "r"],
    rows,
  };
}

export function storageTable(r: ProvidersBenchResult): Table {
  return {
    header: ["provider", "nodes", "logical/node", "stored/node", "ratio", "measured as"],
    align: ["l", "r", "r", "r", "r", "l"],
    rows: r.providers
      .filter((p) => p.storage)
      .map((p) => {
        const s = p.storage!;
        return [
          p.name,
          String(s.nodes),
          fmtBytes(s.logicalBytesPerNode),
          fmtBytes(s.storedBytesPerNode),
          fmtRatio(s.ratio),
          s.method,
        ];
      }),
  };
}

export function comparisonTable(r: ProvidersBenchResult): Table {
  return {
    header: ["issue", "comparison", "ours", "baseline", "ratio (paired)", "target", "result"],
    align: ["l", "l", "r", "r", "r", "r", "l"],
    rows: r.comparisons.map((c) => [
      `#${c.issue}`,
      c.title,
      fmtComparisonValue(c, "ours"),
      c.metric === "requestsPerOp"
        ? c.baseline.value === null
          ? "–"
          : fmtNum(c.baseline.value)
        : fmtComparisonValue(c, "baseline"),
      c.ratio === null ? "–" : `${fmtRatio(c.ratio)} ${fmtSpread(c.pairedRatio)}`,
      fmtTarget(c.target),
      fmtMet(c),
    ]),
  };
}
