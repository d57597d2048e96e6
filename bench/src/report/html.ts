/** A self-contained HTML report: inline CSS and SVG charts, no script, no external asset. */
import { describeCorpus, describeMachine, describeRun, fmtNum, fmtRatio, fmtTarget } from "./format.js";
import type { Comparison, ProvidersBenchResult, ScenarioResult } from "./schema.js";
import {
  comparisonNotes,
  comparisonTable,
  scenarioTable,
  storageTable,
  summaryTable,
  type Table,
} from "./tables.js";

const esc = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const COLORS: Record<string, string> = {
  memory: "#7f8c9d",
  "django-pg": "#336791",
  s3: "#d9782d",
  opensearch: "#2b9e8f",
  tablestore: "#8e5ac8",
};
const colorOf = (provider: string) => COLORS[provider] ?? "#555";

interface Bar {
  label: string;
  value: number;
  min?: number;
  max?: number;
  color: string;
  faded?: boolean;
  text?: string;
}

function hbarChart(opts: {
  title: string;
  unit: string;
  bars: Bar[];
  target?: { value: number; label: string };
}): string {
  const { bars } = opts;
  const labelW = 250;
  const plotW = 420;
  const valueW = 110;
  const barH = 18;
  const gap = 8;
  const top = 30;
  const width = labelW + plotW + valueW;
  const height = top + bars.length * (barH + gap) + (opts.target ? 26 : 12);
  const maxV = Math.max(...bars.map((b) => b.max ?? b.value), opts.target?.value ?? 0) * 1.05 || 1;
  const x = (v: number) => labelW + (Math.max(0, v) / maxV) * plotW;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(opts.title)}">`,
    `<text x="0" y="16" class="ct">${esc(opts.title)}</text>`,
    `<line x1="${labelW}" y1="${top - 4}" x2="${labelW}" y2="${top + bars.length * (barH + gap) - gap + 4}" class="axis"/>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    parts.push(
      `<text x="${labelW - 8}" y="${y + barH - 5}" text-anchor="end" class="lbl">${esc(b.label)}</text>`,
    );
    parts.push(
      `<rect x="${labelW}" y="${y}" width="${Math.max(1, x(b.value) - labelW).toFixed(1)}" height="${barH}" fill="${b.color}"${b.faded ? ` fill-opacity="0.45" stroke="${b.color}" stroke-dasharray="3 2"` : ""}><title>${esc(`${b.label}: ${b.text ?? `${fmtNum(b.value)} ${opts.unit}`}`)}</title></rect>`,
    );
    if (b.min !== undefined && b.max !== undefined) {
      const cy = y + barH / 2;
      parts.push(
        `<line x1="${x(b.min).toFixed(1)}" y1="${cy}" x2="${x(b.max).toFixed(1)}" y2="${cy}" class="whisk"/>` +
          `<line x1="${x(b.min).toFixed(1)}" y1="${cy - 4}" x2="${x(b.min).toFixed(1)}" y2="${cy + 4}" class="whisk"/>` +
          `<line x1="${x(b.max).toFixed(1)}" y1="${cy - 4}" x2="${x(b.max).toFixed(1)}" y2="${cy + 4}" class="whisk"/>`,
      );
    }
    parts.push(
      `<text x="${labelW + plotW + 6}" y="${y + barH - 5}" class="val">${esc(b.text ?? fmtNum(b.value))}</text>`,
    );
  });
  if (opts.target) {
    const tx = x(opts.target.value).toFixed(1);
    parts.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${height - 16}" class="target"/>`,
      `<text x="${tx}" y="${height - 3}" text-anchor="middle" class="tl">${esc(opts.target.label)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}

function throughputCharts(r: ProvidersBenchResult): string[] {
  // One chart per scenario family; bars: each provider's nodestore figure, then its baseline (faded).
  const families: Array<{ title: string; match: (s: ScenarioResult) => boolean }> = [
    ...r.settings.ingestConcurrency.map((c) => ({
      title: `Write-heavy ingest, ${c} in flight (setSubkeys)`,
      match: (s: ScenarioResult) => s.workload === "ingest" && s.concurrency === c,
    })),
    { title: `Read-back getMulti(${r.settings.readBatch})`, match: (s) => s.workload === "read" },
    { title: "Mixed 90% writes / 10% reads", match: (s) => s.workload === "mixed" },
    { title: `deleteMulti(${r.settings.deleteBatch})`, match: (s) => s.workload === "delete" },
    { title: "cleanup", match: (s) => s.workload === "cleanup" },
  ];
  const charts: string[] = [];
  for (const f of families) {
    const bars: Bar[] = [];
    for (const p of r.providers) {
      for (const s of p.scenarios) {
        if (!f.match(s) || s.status !== "ok" || !s.nodesPerSec) continue;
        bars.push({
          label: s.baseline ? `${p.name} · ${shortBaseline(s.id)}` : p.name,
          value: s.nodesPerSec.median,
          min: s.nodesPerSec.min,
          max: s.nodesPerSec.max,
          color: colorOf(p.name),
          faded: s.baseline !== null,
          text: `${fmtNum(s.nodesPerSec.median)}${s.mbPerSec ? ` · ${fmtNum(s.mbPerSec.median)} MB/s` : ""}`,
        });
      }
    }
    if (bars.length) charts.push(hbarChart({ title: `${f.title} — nodes/s`, unit: "nodes/s", bars }));
  }
  return charts;
}

function shortBaseline(id: string): string {
  if (id.startsWith("bare-pg-set")) return "bare pg upsert";
  if (id.startsWith("bare-pg-getMulti")) return "bare pg SELECT";
  if (id.startsWith("bare-s3-put")) return "bare PutObject";
  if (id.startsWith("inline-codec-s3-put")) return "PutObject, encoding inline";
  if (id.startsWith("python-plugin")) return "the Python plugin (boto3)";
  if (id.startsWith("sdk-loop")) return "sequential GETs, our SDK";
  return id;
}

function ratioChart(r: ProvidersBenchResult): string {
  const bars: Bar[] = r.providers
    .filter((p) => p.storage)
    .map((p) => ({
      label: p.name,
      value: p.storage!.ratio,
      color: colorOf(p.name),
      text: fmtRatio(p.storage!.ratio),
    }));
  return bars.length
    ? hbarChart({
        title: "Compression ratio: logical bytes ÷ bytes stored (measured from the store)",
        unit: "×",
        bars,
      })
    : "";
}

function comparisonCharts(r: ProvidersBenchResult): string[] {
  // One chart per (provider, baseline): e.g. the three concurrencies of "setSubkeys vs bare PutObject".
  const groups = new Map<string, Comparison[]>();
  for (const c of r.comparisons) {
    if (c.ratio === null) continue;
    const key = `${c.issue}|${c.provider}|${(c.baseline.scenario ?? "").replace(/-c\d+$/, "")}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const charts: string[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const title = `#${first.issue} ${first.title.replace(/, \d+ in flight$/, "")}: ours ÷ baseline`;
    const bars: Bar[] = list.map((c) => {
      const inFlight = c.title.match(/(\d+) in flight$/)?.[1];
      return {
        label: inFlight ? `${inFlight} in flight` : c.ours.scenario,
        value: c.ratio!,
        min: c.pairedRatio?.min,
        max: c.pairedRatio?.max,
        color: c.met === false ? "#c0392b" : colorOf(c.provider),
        text: `${fmtRatio(c.ratio)}${c.met === null ? "" : c.met ? " met" : " not met"}`,
      };
    });
    const target =
      first.target?.of === "ratio"
        ? { value: first.target.value, label: `target ${fmtTarget(first.target)}` }
        : { value: 1, label: "1× (parity)" };
    charts.push(hbarChart({ title, unit: "× baseline", bars, target }));
  }
  return charts;
}

function htmlTable(t: Table, cls = ""): string {
  const head = t.header.map((h, i) => `<th class="${t.align[i] === "r" ? "r" : ""}">${esc(h)}</th>`).join("");
  const body = t.rows
    .map(
      (row) =>
        `<tr>${row
          .map((c, i) => {
            const mark = c === "NOT MET" ? " bad" : c === "met" ? " good" : "";
            return `<td class="${t.align[i] === "r" ? "r" : ""}${mark}">${esc(c)}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("");
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export function renderHtml(r: ProvidersBenchResult): string {
  const sections: string[] = [];
  sections.push(
    `<h1>@nodestore providers benchmark</h1>`,
    `<p class="meta">${esc(r.startedAt)} · ${esc(describeRun(r))}</p>`,
    `<ul class="meta"><li><b>Machine:</b> ${esc(describeMachine(r))}</li><li><b>Corpus:</b> ${esc(describeCorpus(r))}</li></ul>`,
    `<h2>What each provider ran against</h2><ul>${r.providers
      .map(
        (p) =>
          `<li><code>${esc(p.name)}</code> ${p.status === "ran" ? esc(p.line) : `<span class="skip">${esc(`${p.status}: ${p.reason}`)}</span>`}</li>`,
      )
      .join("")}</ul>`,
  );
  const summary = summaryTable(r);
  if (summary.rows.length) sections.push(`<h2>Summary</h2>${htmlTable(summary)}`);
  sections.push(
    `<h2>Throughput</h2><p>Median nodes/s over the timed runs (whiskers: min..max of the runs); faded, dashed bars are the bare-client baselines.</p><div class="charts">${throughputCharts(r).join("")}</div>`,
  );
  const storage = storageTable(r);
  if (storage.rows.length)
    sections.push(
      `<h2>Bytes stored per node</h2><div class="charts">${ratioChart(r)}</div>${htmlTable(storage)}`,
    );
  const cmp = comparisonTable(r);
  if (cmp.rows.length) {
    sections.push(
      `<h2>Fair comparisons</h2><p>Both sides run in this process run, interleaved run by run; the ratio is the median of the per-run ratios ours ÷ baseline (whiskers: min..max). Red: target not met.</p><div class="charts">${comparisonCharts(r).join("")}</div>${htmlTable(cmp)}<ul>${comparisonNotes(
        r,
      )
        .map((n) => `<li>${esc(n)}</li>`)
        .join("")}</ul>`,
    );
  }
  for (const p of r.providers) {
    if (p.status !== "ran") continue;
    sections.push(
      `<h2>${esc(p.name)} <small>${esc(p.target?.version ?? "")}</small></h2>${htmlTable(scenarioTable(p), "wide")}` +
        (p.notes.length ? `<ul>${p.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "") +
        (p.errors.length
          ? `<ul class="errors">${p.errors.map((e) => `<li>${esc(e)}</li>`).join("")}</ul>`
          : ""),
    );
  }
  sections.push(
    `<p class="meta">Schema v${r.schemaVersion} (bench/results/README.md). Total ${(r.durationMs / 1000).toFixed(1)} s.</p>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>@nodestore providers benchmark ${esc(r.startedAt.slice(0, 10))}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.meta{color:#555}code{background:#f3f3f3;padding:0 .3em;border-radius:3px}.skip{color:#888}
table{border-collapse:collapse;margin:.6rem 0;font-size:13px}th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;white-space:nowrap}
th{background:#fafafa}.r{text-align:right;font-variant-numeric:tabular-nums}.good{color:#1e7e34;font-weight:600}.bad{color:#c0392b;font-weight:600}
.charts svg{display:block;margin:1rem 0;max-width:100%;height:auto}
.ct{font-weight:600;font-size:13px}.lbl,.val,.tl{font-size:12px}.val{fill:#333}.axis{stroke:#999}
.whisk{stroke:#222;stroke-width:1.2}.target{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:4 3}.tl{fill:#c0392b}
.errors{color:#c0392b}
</style></head><body>
${sections.join("\n")}
</body></html>
`;
}
