/**
 * Relay's normalisation of the event interfaces: request headers, cookies and query as pair lists,
 * context types, breadcrumbs as `{values}` with timestamps, PII scrubbing recorded in `_meta`, and
 * tags as a sorted list of pairs.
 */
import type { Rng } from "../prng.js";
import { isObj, type Obj, round3 } from "./shared.js";

function titleCase(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());
}

function pairs(value: unknown): Array<[string, string]> | undefined {
  if (typeof value === "string") {
    const out = [...new URLSearchParams(value)];
    return out.length ? out : undefined;
  }
  if (isObj(value)) return Object.entries(value).map(([k, v]) => [k, String(v)]);
  return undefined;
}

export function normalizeRequest(p: Obj, meta: Obj, scrub: boolean): void {
  const req = p.request;
  if (!isObj(req)) return;
  const out: Obj = {};
  const url = String(req.url ?? "");
  const q = url.indexOf("?");
  out.url = q >= 0 ? url.slice(0, q) : url;
  out.method = req.method;
  const qs = pairs(req.query_string ?? (q >= 0 ? url.slice(q + 1) : undefined));
  if (qs) out.query_string = qs;
  const cookies = pairs(req.cookies);
  if (cookies) out.cookies = cookies;
  if (isObj(req.headers)) {
    const headers: Array<[string, string]> = Object.entries(req.headers).map(([k, v]) => [
      titleCase(k),
      String(v),
    ]);
    const authIndex = headers.findIndex(([k]) => k === "Authorization");
    if (authIndex >= 0 && scrub) {
      const len = headers[authIndex]![1].length;
      headers[authIndex]![1] = "[Filtered]";
      meta.request ??= {};
      (meta.request as Obj).headers = {
        [String(authIndex)]: { "1": { "": { rem: [["@password:filter", "s", 0, 10]], len } } },
      };
    }
    out.headers = headers;
  }
  if (req.data !== undefined) {
    out.data = req.data;
    out.inferred_content_type = "application/json";
  }
  if (isObj(p.user) && typeof p.user.ip_address === "string") out.env = { REMOTE_ADDR: p.user.ip_address };
  p.request = out;
}

export function normalizeContexts(p: Obj, rng: Rng, runtimeVersion: string): void {
  const contexts = (isObj(p.contexts) ? p.contexts : {}) as Obj;
  for (const [key, ctx] of Object.entries(contexts)) {
    if (!isObj(ctx)) continue;
    if (["runtime", "os", "device", "culture", "app", "trace", "cloud_resource", "flags"].includes(key))
      ctx.type = key;
  }
  if (isObj(contexts.runtime)) {
    // the SDK reports the Node version running the generator; use the planned one
    contexts.runtime.version = runtimeVersion;
    contexts.runtime.runtime = `node ${runtimeVersion}`;
  }
  if (isObj(contexts.trace)) {
    const trace = contexts.trace;
    trace.trace_id = rng.hex(32);
    trace.span_id = rng.hex(16);
    if (p.type !== "transaction" && rng.chance(0.5)) trace.parent_span_id = rng.hex(16);
  }
  p.contexts = contexts;
}

export function normalizeBreadcrumbs(p: Obj, rng: Rng, time: number): void {
  const crumbs = Array.isArray(p.breadcrumbs) ? (p.breadcrumbs as Obj[]) : [];
  if (crumbs.length === 0) {
    delete p.breadcrumbs;
    return;
  }
  // ascending timestamps ending shortly before the event, at the SDK's millisecond precision
  let t = time - rng.float(0.05, 2);
  const times: number[] = [];
  for (let i = crumbs.length - 1; i >= 0; i--) {
    times.push(round3(t));
    t -= rng.chance(0.1) ? rng.float(5, 120) : rng.float(0.002, 1.5);
  }
  times.reverse();
  crumbs.forEach((c, i) => {
    c.timestamp = times[i];
    c.type ??= "default";
    c.level ??= "info";
  });
  p.breadcrumbs = { values: crumbs };
}

export function scrubBreadcrumbs(p: Obj, rng: Rng, meta: Obj): void {
  const values = isObj(p.breadcrumbs) ? (p.breadcrumbs.values as Obj[]) : [];
  const candidates = values.map((c, i) => [c, i] as const).filter(([c]) => typeof c.message === "string");
  if (candidates.length === 0 || !rng.chance(0.25)) return;
  const [crumb, index] = rng.pick(candidates);
  const prefix = "Charging card ";
  const original = `${prefix}4242 4242 4242 ${rng.int(1000, 9999)} for ${crumb.message as string}`;
  crumb.message = `${prefix}[Filtered] for ${crumb.message as string}`;
  meta.breadcrumbs = {
    values: {
      [String(index)]: {
        message: {
          "": { rem: [["@creditcard:filter", "s", prefix.length, prefix.length + 10]], len: original.length },
        },
      },
    },
  };
}

export function tagList(p: Obj, extra: Array<[string, string]>): Array<[string, string]> {
  const tags = new Map<string, string>();
  if (isObj(p.tags)) for (const [k, v] of Object.entries(p.tags)) tags.set(k, String(v));
  for (const [k, v] of extra) if (v) tags.set(k, v);
  return [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
