/**
 * Span fields of stored transactions: fresh span ids from the PRNG, `hash`, timings laid out inside
 * each parent (the SDK's own are clock readings) with `exclusive_time`, and the `breakdowns`.
 */
import type { Rng } from "../prng.js";
import { md5, type Obj, type Span } from "./shared.js";

export function assignSpanTimes(p: Obj, spans: Span[], rng: Rng, start: number, durationMs: number): void {
  const rootId = (p.contexts as Obj & { trace: Obj }).trace.span_id as string;
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    const parent = s.parent_span_id ?? rootId;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(s);
  }
  const exclusive = new Map<string, number>();
  const place = (id: string, from: number, to: number) => {
    const kids = children.get(id) ?? [];
    let busy = 0;
    if (kids.length) {
      const weights = kids.map(() => rng.float(0.2, 1));
      const sum = weights.reduce((a, b) => a + b, 0);
      let cursor = from + (to - from) * rng.float(0, 0.05);
      const usable = (to - cursor) * rng.float(0.85, 0.98);
      for (let i = 0; i < kids.length; i++) {
        const slot = (usable * weights[i]!) / sum;
        const d = slot * rng.float(0.5, 0.97);
        const s = kids[i]!;
        s.start_timestamp = cursor;
        s.timestamp = cursor + d;
        place(s.span_id, cursor, cursor + d);
        busy += d;
        cursor += slot;
      }
    }
    exclusive.set(id, Math.round((to - from - busy) * 1e6) / 1e3);
  };
  const end = start + durationMs / 1000;
  place(rootId, start, end);
  for (const s of spans) s.exclusive_time = exclusive.get(s.span_id);
  p.start_timestamp = start;
  p.timestamp = end;
  (p.contexts as Obj & { trace: Obj }).trace.exclusive_time = exclusive.get(rootId);
}

export function normalizeSpans(p: Obj, rng: Rng): Span[] {
  const spans = (Array.isArray(p.spans) ? p.spans : []) as Span[];
  const trace = (p.contexts as Obj & { trace: Obj }).trace;
  const ids = new Map<string, string>();
  const oldRoot = spans.length
    ? spans.find((s) => !spans.some((o) => o.span_id === s.parent_span_id))?.parent_span_id
    : undefined;
  if (oldRoot) ids.set(oldRoot, trace.span_id as string);
  for (const s of spans) ids.set(s.span_id, rng.hex(16));
  for (const s of spans) {
    s.span_id = ids.get(s.span_id)!;
    if (s.parent_span_id) s.parent_span_id = ids.get(s.parent_span_id) ?? (trace.span_id as string);
    s.trace_id = trace.trace_id;
    s.same_process_as_parent = true;
    s.hash = md5(`${s.op ?? ""}${(s.description ?? "").replace(/\$\d+|\d+/g, "?")}`).slice(0, 16);
  }
  if (rng.chance(0.5)) trace.parent_span_id = rng.hex(16);
  trace.hash = md5(String(p.transaction)).slice(0, 16);
  trace.client_sample_rate = 1;
  return spans;
}

export function breakdowns(spans: Span[]): Obj {
  const ops: Obj = {};
  let total = 0;
  for (const prefix of ["db", "http", "browser", "resource", "ui"]) {
    let sum = 0;
    for (const s of spans) {
      if (s.op === prefix || s.op?.startsWith(`${prefix}.`))
        sum += ((s.timestamp as number) - (s.start_timestamp as number)) * 1000;
    }
    if (sum > 0) {
      ops[`ops.${prefix}`] = { value: Math.round(sum * 1000) / 1000, unit: "millisecond" };
      total += sum;
    }
  }
  ops["total.time"] = { value: Math.round(total * 1000) / 1000, unit: "millisecond" };
  return { span_ops: ops };
}
