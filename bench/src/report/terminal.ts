import { describeCorpus, describeMachine, describeRun, textTable } from "./format.js";
import type { ProvidersBenchResult } from "./schema.js";
import {
  comparisonNotes,
  comparisonTable,
  scenarioTable,
  storageTable,
  summaryTable,
  type Table,
} from "./tables.js";

const render = (t: Table) => textTable(t.header, t.rows, t.align);

export function renderTerminal(r: ProvidersBenchResult): string {
  const out: string[] = [];
  out.push("", "Providers benchmark", "");
  out.push(`  corpus:  ${describeCorpus(r)}`);
  out.push(`  runs:    ${describeRun(r)}; medians over the timed runs, spread = ± half the min..max range`);
  out.push(`  machine: ${describeMachine(r)}`);
  out.push("");
  const width = Math.max(...r.providers.map((p) => p.name.length));
  for (const p of r.providers)
    out.push(`  ${p.name.padEnd(width)}  ${p.status === "ran" ? p.line : `${p.status}: ${p.reason}`}`);
  for (const p of r.providers) {
    if (p.status !== "ran") continue;
    out.push("", p.target?.version ? `${p.name} — ${p.target.version}` : p.name, render(scenarioTable(p)));
    for (const n of p.notes) out.push(`  note: ${n}`);
    for (const e of p.errors) out.push(`  ! ${e}`);
  }
  const storage = storageTable(r);
  if (storage.rows.length) {
    out.push(
      "",
      "Bytes stored per node (sizing set, measured from the store; ratio = logical ÷ stored)",
      render(storage),
    );
  }
  const cmp = comparisonTable(r);
  if (cmp.rows.length) {
    out.push(
      "",
      "Fair comparisons (both sides in this run, runs interleaved; ratio = median of per-run ours ÷ baseline)",
      render(cmp),
      ...comparisonNotes(r).map((n) => `  note: ${n}`),
    );
  }
  const summary = summaryTable(r);
  if (summary.rows.length) out.push("", "Summary", render(summary));
  out.push("", `  ${(r.durationMs / 1000).toFixed(1)} s in all`);
  return out.join("\n");
}
