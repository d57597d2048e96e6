import { sentryEncode } from "./json.js";
import type { CorpusEvent } from "./types.js";

/** Encoded size in bytes (main + subkeys framing), as Sentry's nodestore would write it. */
export function encodedSize(event: CorpusEvent): number {
  return sentryEncode(event.main, event.subkeys).length;
}

export type CorpusStats = {
  count: number;
  errors: number;
  transactions: number;
  withSubkeys: number;
  totalBytes: number;
  minKB: number;
  medianKB: number;
  p90KB: number;
  maxKB: number;
};

export function corpusStats(events: readonly CorpusEvent[]): CorpusStats {
  const sizes = events.map(encodedSize).sort((a, b) => a - b);
  const q = (p: number) =>
    sizes.length ? sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))]! / 1024 : 0;
  return {
    count: events.length,
    errors: events.filter((e) => e.kind === "error").length,
    transactions: events.filter((e) => e.kind === "transaction").length,
    withSubkeys: events.filter((e) => e.subkeys.length > 0).length,
    totalBytes: sizes.reduce((a, b) => a + b, 0),
    minKB: sizes.length ? sizes[0]! / 1024 : 0,
    medianKB: q(0.5),
    p90KB: q(0.9),
    maxKB: sizes.length ? sizes[sizes.length - 1]! / 1024 : 0,
  };
}

/** One `{"id","main","subkeys"}` object per line (plain JSON.stringify, UTF-8). */
export function toJsonl(events: readonly CorpusEvent[]): string {
  let out = "";
  for (const e of events) out += `${JSON.stringify({ id: e.id, main: e.main, subkeys: e.subkeys })}\n`;
  return out;
}
