import type { Prepared } from "./corpus.js";
import type { Operation } from "./operations.js";
import { TARGETS } from "./targets.js";
import type { Timings } from "./timing.js";

const MB = 1e6;

export type CodecRow = {
  op: string;
  label: string;
  bytes: number;
  unit: "main" | "all";
  ours?: { mbps: number; p10: number; p90: number; eventsPerSec: number };
  json?: { mbps: number };
  python?: { mbps: number; p10: number; p90: number };
  ratio?: number;
  /** ours / JSON.* on the same data (rows that have a JSON.* yardstick) */
  jsonRatio?: number;
  target?: number;
  met?: boolean;
};

/**
 * One row per operation, in MB/s of logical encoded bytes. Times per iteration turn into rates, so the p10 rate
 * comes from the p90 time and the other way round.
 */
export function codecRows(c: Prepared, ops: readonly Operation[], timings: Timings): CodecRow[] {
  return ops.map((op) => {
    const bytes = op.bytes === "main" ? c.mainBytes : c.totalBytes;
    const target = op.target ?? TARGETS[op.id];
    const row: CodecRow = {
      op: op.id,
      label: op.label,
      bytes,
      unit: op.bytes === "main" ? "main" : "all",
      target,
    };
    const rate = (ms: number) => bytes / MB / (ms / 1000);
    const ours = timings.ours.get(`${op.id}/ours`);
    if (ours) {
      row.ours = {
        mbps: rate(ours.medianMs),
        p10: rate(ours.p90Ms),
        p90: rate(ours.p10Ms),
        eventsPerSec: c.events.length / (ours.medianMs / 1000),
      };
    }
    const json = timings.ours.get(`${op.id}/json`);
    if (json) {
      row.json = { mbps: rate(json.medianMs) };
      if (row.ours) row.jsonRatio = row.ours.mbps / row.json.mbps;
    }
    const p = timings.python.get(op.id);
    if (p) {
      const prate = (sec: number) => bytes / MB / sec;
      row.python = { mbps: prate(p.median_s), p10: prate(p.p90_s), p90: prate(p.p10_s) };
      if (row.ours) row.ratio = row.ours.mbps / row.python.mbps;
      if (row.ratio !== undefined && target !== undefined) row.met = row.ratio >= target;
    }
    return row;
  });
}
