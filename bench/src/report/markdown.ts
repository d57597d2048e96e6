import { describeCorpus, describeMachine, describeRun, markdownTable } from "./format.js";
import type { ProvidersBenchResult } from "./schema.js";
import {
  comparisonNotes,
  comparisonTable,
  scenarioTable,
  storageTable,
  summaryTable,
  type Table,
} from "./tables.js";

const render = (t: Table) => markdownTable(t.header, t.rows, t.align);

/** A summary the README can embed (bench/results/latest.md). Headings start at level 3. */
export function renderMarkdown(r: ProvidersBenchResult): string {
  const out: string[] = [];
  out.push(`### Providers benchmark — ${r.startedAt.slice(0, 10)}`, "");
  out.push(`- **Machine:** ${describeMachine(r)}`);
  out.push(`- **Corpus:** ${describeCorpus(r)}`);
  out.push(`- **Runs:** ${describeRun(r)}; medians, spread = ± half the min..max range over the timed runs`);
  out.push("", "**What each provider ran against**", "");
  for (const p of r.providers) {
    out.push(`- \`${p.name}\`: ${p.status === "ran" ? p.line : `${p.status}: ${p.reason}`}`);
  }
  const summary = summaryTable(r);
  if (summary.rows.length)
    out.push(
      "",
      "**Summary** (nodes/s of Sentry-shaped events; ratio = logical ÷ stored bytes)",
      "",
      render(summary),
    );
  const cmp = comparisonTable(r);
  if (cmp.rows.length) {
    out.push("", "**Fair comparisons** (both sides in the same run, interleaved)", "", render(cmp));
    const notes = comparisonNotes(r);
    if (notes.length) out.push("", ...notes.map((n) => `- ${n}`));
  }
  const storage = storageTable(r);
  if (storage.rows.length)
    out.push("", "**Bytes stored per node** (measured from the store)", "", render(storage));
  for (const p of r.providers) {
    if (p.status !== "ran") continue;
    out.push(
      "",
      `<details><summary><code>${p.name}</code>: every scenario</summary>`,
      "",
      render(scenarioTable(p)),
    );
    if (p.notes.length) out.push("", ...p.notes.map((n) => `- ${n}`));
    if (p.errors.length) out.push("", ...p.errors.map((e) => `- ⚠ ${e}`));
    out.push("", "</details>");
  }
  out.push(
    "",
    `<sub>${r.durationMs > 0 ? `${(r.durationMs / 1000).toFixed(0)} s run, ` : ""}schema v${r.schemaVersion}: see bench/results/README.md; full figures in latest.json, charts in latest.html.</sub>`,
    "",
  );
  return out.join("\n");
}
