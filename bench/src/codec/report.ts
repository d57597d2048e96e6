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
