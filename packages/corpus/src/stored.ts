/**
 * From an SDK payload to what Sentry writes to nodestore: Relay's normalisation (ingest fields,
 * pair lists, context types, PII scrubbing with `_meta`, processing `errors`), the event
 * manager's fields (`_ref`, `_ref_version`, `hashes`, `metadata`, `title`, `culprit`, ...,
 * `nodestore_insert`) and, for reprocessable error events, the `unprocessed` subkey (the
 * event before JavaScript source-map processing). Every value the SDK derived from the clock or
 * from `crypto.randomUUID` is replaced here with values drawn from the seeded PRNG.
 */
import { createHash } from "node:crypto";
import { sentryJsonDumps } from "./json.js";
import type { Rng } from "./prng.js";
import { APP_DIR, type Plan } from "./scenarios.js";
import type { SdkPayload } from "./sdk.js";
import { CITIES } from "./text.js";

type Obj = Record<string, unknown>;
type Frame = Obj & {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
};
type Span = Obj & { span_id: string; parent_span_id?: string; op?: string; description?: string };

export type StoredInput = {
  payload: SdkPayload;
  plan: Plan;
  rng: Rng;
  projectId: number;
  eventId: string;
  /** Event time, unix seconds. */
  time: number;
  release: string;
  environment: string;
  serverName: string;
  keyId: number;
  publicKey: string;
  withUnprocessed: boolean;
  maxBytes: number;
};

export type StoredEvent = { main: Obj; subkeys: Array<[string, unknown]> };

const md5 = (s: string) => createHash("md5").update(s).digest("hex");
const ROOT = "/usr/src/app/";
const GROUPING_CONFIG = {
  enhancements: "KLUv_SAYwQAAkwKRs25ld3N0eWxlOjIwMjMtMDEtMTGQ",
  id: "newstyle:2023-01-11",
};
const NODE_INTEGRATIONS = [
  "InboundFilters",
  "FunctionToString",
  "LinkedErrors",
  "RequestData",
  "Console",
  "Http",
  "NodeFetch",
  "OnUncaughtException",
  "OnUnhandledRejection",
  "ContextLines",
  "LocalVariables",
  "Context",
  "ChildProcess",
  "ProcessSession",
  "Modules",
  "Express",
  "Postgres",
  "Redis",
  "Graphql",
];
const MODULES: Array<[string, string]> = [
  ["@sentry/node", ""],
  ["express", "4.21.2"],
  ["pg", "8.13.1"],
  ["ioredis", "5.4.1"],
  ["graphql", "16.9.0"],
  ["bullmq", "5.34.2"],
  ["zod", "3.24.1"],
  ["pino", "9.5.0"],
  ["dayjs", "1.11.13"],
  ["jsonwebtoken", "9.0.2"],
  ["stripe", "17.4.0"],
  ["handlebars", "4.7.8"],
  ["helmet", "8.0.0"],
  ["cors", "2.8.5"],
  ["compression", "1.7.5"],
  ["express-session", "1.18.1"],
  ["lodash", "4.17.21"],
  ["uuid", "11.0.3"],
  ["undici", "6.21.0"],
  ["@aws-sdk/client-s3", "3.712.0"],
  ["@opentelemetry/api", "1.9.0"],
  ["dotenv", "16.4.7"],
];

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const iso = (t: number) => new Date(t * 1000).toISOString().replace("Z", "+00:00");

// ---------------------------------------------------------------------------------------------
// frames

function moduleOf(rel: string): string {
  const noExt = rel.replace(/\.js$/, "");
  const base = noExt.startsWith("node_modules/")
    ? noExt.slice("node_modules/".length)
    : noExt.replace(/^src\//, "");
  const parts = base.split("/");
  const file = parts.pop()!;
  return parts.length ? `${parts.join(".")}:${file}` : file;
}

function isAppFrame(f: Frame): boolean {
  return typeof f.filename === "string" && f.filename.startsWith(APP_DIR);
}

/** Keeps the frames of the application (and builtins between them); maps paths to a deployed layout. */
function rewriteFrames(frames: Frame[]): Frame[] {
  const first = frames.findIndex(isAppFrame);
  if (first < 0) return [];
  let last = frames.length - 1;
  while (!isAppFrame(frames[last]!)) last--;
  const out: Frame[] = [];
  for (const f of frames.slice(first, last + 1)) {
    if (!isAppFrame(f)) {
      if (typeof f.filename === "string" && f.filename.startsWith("/")) continue; // corpus code
      out.push({ ...f, in_app: false });
      continue;
    }
    const rel = f
      .filename!.slice(APP_DIR.length)
      .replace(/^deps\//, "node_modules/")
      .replace(/\.cjs$/, ".js");
    const filename = ROOT + rel;
    out.push({
      ...f,
      filename,
      abs_path: filename,
      module: moduleOf(rel),
      in_app: !rel.startsWith("node_modules/"),
    });
  }
  return out;
}

/** The same frames as they looked before source-map processing (a bundled dist/server.js). */
function bundledFrame(f: Frame): Frame {
  if (!f.in_app || typeof f.filename !== "string") {
    const { pre_context: _a, context_line: _b, post_context: _c, ...rest } = f;
    return rest;
  }
  const h = Number.parseInt(md5(`${f.filename}:${f.function}`).slice(0, 6), 16);
  return {
    abs_path: `${ROOT}dist/server.js`,
    filename: `${ROOT}dist/server.js`,
    function: f.function,
    in_app: true,
    lineno: 1 + (h % 48000) + (f.lineno ?? 0),
    colno: (f.colno ?? 1) + 2,
    module: "server",
  };
}

function exceptionValues(p: Obj): Obj[] {
  const exc = p.exception;
  return isObj(exc) && Array.isArray(exc.values) ? (exc.values as Obj[]) : [];
}

function framesOf(v: Obj): Frame[] | undefined {
  const st = v.stacktrace;
  return isObj(st) && Array.isArray(st.frames) ? (st.frames as Frame[]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Relay

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

function normalizeRequest(p: Obj, meta: Obj, scrub: boolean): void {
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

function normalizeContexts(p: Obj, rng: Rng, runtimeVersion: string): void {
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

function normalizeBreadcrumbs(p: Obj, rng: Rng, time: number): void {
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

function scrubBreadcrumbs(p: Obj, rng: Rng, meta: Obj): void {
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

function tagList(p: Obj, extra: Array<[string, string]>): Array<[string, string]> {
  const tags = new Map<string, string>();
  if (isObj(p.tags)) for (const [k, v] of Object.entries(p.tags)) tags.set(k, String(v));
  for (const [k, v] of extra) if (v) tags.set(k, v);
  return [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const ERROR_SAMPLES: Array<(p: Obj, time: number, rng: Rng) => Obj> = [
  (_p, time, rng) => ({
    type: "clock_drift",
    name: "timestamp",
    sdk_time: iso(time + rng.int(60, 900)),
    server_time: iso(time),
  }),
  (_p, _t, rng) => ({
    type: "invalid_data",
    name: "contexts.device.boot_time",
    value: `${rng.int(1, 9)} days ago`,
    reason: "expected a datetime",
  }),
  () => ({ type: "js_no_source", symbolicator_type: "missing_source", url: `${ROOT}dist/vendor.js` }),
  () => ({ type: "value_too_long", name: "extra.note" }),
  (_p, time) => ({
    type: "past_timestamp",
    name: "timestamp",
    sdk_time: iso(time - 86400 * 31),
    server_time: iso(time),
  }),
];

// ---------------------------------------------------------------------------------------------
// spans (transactions)

function assignSpanTimes(p: Obj, spans: Span[], rng: Rng, start: number, durationMs: number): void {
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

function normalizeSpans(p: Obj, rng: Rng): Span[] {
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

function breakdowns(spans: Span[]): Obj {
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

// ---------------------------------------------------------------------------------------------
// the pipeline

function relay(input: StoredInput): { p: Obj; spans: Span[]; meta: Obj } {
  const { rng, time } = input;
  const p = input.payload as Obj;
  const isTx = p.type === "transaction";
  const meta: Obj = {};

  p.event_id = input.eventId;
  p.release = input.release;
  p.environment = input.environment;
  p.server_name = input.serverName;
  p.platform = "node";
  p.timestamp = isTx ? time : round3(time);
  p.version = "7";
  p.project = input.projectId;
  p.key_id = String(input.keyId);
  p.received = round6(time + rng.float(0.05, 3));
  p.ingest_path = [{ version: rng.pick(["24.12.1", "25.1.0", "25.2.0"]), public_key: input.publicKey }];
  p.logger ??= "";
  if (!isTx) p.fingerprint ??= ["{{ default }}"];
  if (typeof p.message === "string") {
    p.logentry = { formatted: p.message };
    delete p.message;
  }
  if (isObj(p.sdk)) p.sdk = { ...p.sdk, integrations: NODE_INTEGRATIONS };
  if (!isTx && input.plan.targetBytes > 8000 && rng.chance(0.7)) {
    p.modules = Object.fromEntries(
      MODULES.filter(() => rng.chance(0.8)).map(([k, v]) => [
        k,
        v || String(isObj(p.sdk) ? p.sdk.version : ""),
      ]),
    );
  }

  normalizeContexts(p, rng, input.plan.runtimeVersion);
  normalizeBreadcrumbs(p, rng, time);
  normalizeRequest(p, meta, true);
  if (isObj(p.user)) {
    const city = rng.pick(CITIES);
    p.user.geo = { country_code: city[0], city: city[1], subdivision: city[2], region: city[0] };
    const u = p.user;
    p.user.sentry_user = u.id ? `id:${u.id}` : u.email ? `email:${u.email}` : `ip:${u.ip_address}`;
  }
  if (isObj(p.extra) && typeof p.extra.password === "string") {
    const len = p.extra.password.length;
    p.extra.password = "[Filtered]";
    meta.extra = { password: { "": { rem: [["@password:filter", "s", 0, 10]], len } } };
  }
  // exceptions: real frames from the app, mapped to the deployed layout
  for (const v of exceptionValues(p)) {
    const frames = framesOf(v);
    if (!frames) continue;
    const rewritten = rewriteFrames(frames);
    if (rewritten.length) (v.stacktrace as Obj).frames = rewritten;
    else delete v.stacktrace;
  }
  if (exceptionValues(p).some((v) => (v.mechanism as Obj | undefined)?.synthetic && !v.stacktrace))
    delete p.exception;

  let spans: Span[] = [];
  if (isTx) {
    spans = normalizeSpans(p, rng);
    assignSpanTimes(p, spans, rng, time, rng.logUniform(15, 6000));
    p.spans = spans;
  }

  const contexts = p.contexts as Obj;
  const runtime = isObj(contexts.runtime) ? contexts.runtime : {};
  const os = isObj(contexts.os) ? contexts.os : {};
  const mech = exceptionValues(p).at(-1)?.mechanism as Obj | undefined;
  const user = p.user as Obj | undefined;
  const status =
    isObj(contexts.trace) && isObj(contexts.trace.data)
      ? contexts.trace.data["http.response.status_code"]
      : undefined;
  p.tags = tagList(p, [
    ["environment", input.environment],
    ["level", String(p.level ?? (isTx ? "info" : "error"))],
    ["release", input.release],
    ["server_name", input.serverName],
    ["transaction", String(p.transaction ?? "")],
    ["url", isObj(p.request) ? String(p.request.url) : ""],
    ["user", user ? String(user.sentry_user) : ""],
    ["runtime", String(runtime.runtime ?? "")],
    ["runtime.name", String(runtime.name ?? "")],
    ["os.name", String(os.name ?? "")],
    ["handled", mech ? (mech.handled === false ? "no" : "yes") : ""],
    ["mechanism", mech && !mech.synthetic ? String(mech.type) : ""],
    ["http.status_code", status === undefined ? "" : String(status)],
  ]);
  if (isTx) p.level = "info";

  if (!isTx && rng.chance(0.12)) p.errors = [rng.pick(ERROR_SAMPLES)(p, time, rng)];
  if (Object.keys(meta).length) p._meta = meta;
  // what the SDK sent, roughly: the normalised payload before the event manager's additions
  p._metrics = { "bytes.ingested.event": Buffer.byteLength(JSON.stringify(p)) };
  return { p, spans, meta };
}

function firstLine(s: string, max: number): string {
  const line = s.split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** The event manager's part: grouping, metadata and the nodestore bookkeeping fields. */
function eventManager(p: Obj, input: StoredInput, processed: boolean, insertDelay: number): void {
  const isTx = p.type === "transaction";
  p._ref = input.projectId;
  p._ref_version = 2;
  if (isTx) {
    const name = String(p.transaction);
    p.title = name;
    p.location = name;
    p.culprit = name;
    p.metadata = { location: name, title: name };
    p.span_grouping_config = { id: "default:2022-10-27" };
    p.breakdowns = breakdowns(p.spans as Span[]);
  } else {
    const values = exceptionValues(p);
    const main = values.at(-1);
    const frames = main ? (framesOf(main) ?? []) : [];
    const inApp = frames.filter((f) => f.in_app);
    const top = inApp.at(-1) ?? frames.at(-1);
    const message = isObj(p.logentry) ? String(p.logentry.formatted) : "";
    if (main?.type) {
      const value = String(main.value ?? "");
      p.type = "error";
      p.title = value ? `${main.type}: ${firstLine(value, 100)}` : String(main.type);
      p.metadata = {
        display_title_with_tree_label: false,
        ...(top ? { filename: top.filename, function: top.function } : {}),
        in_app_frame_mix:
          inApp.length === frames.length ? "in-app-only" : inApp.length ? "mixed" : "system-only",
        initial_priority: p.level === "error" ? 75 : 50,
        type: main.type,
        value: firstLine(value, 200),
      };
    } else {
      p.type = "default";
      p.title = firstLine(message || String(main?.value ?? "<unlabeled event>"), 100);
      p.metadata = { title: p.title, initial_priority: p.level === "error" ? 75 : 50 };
    }
    p.location = top ? top.filename : undefined;
    p.culprit = top ? `${top.function}(${top.module ?? top.filename})` : String(p.transaction ?? "");
    const grouping = values.map(
      (v) =>
        `${v.type}|${(framesOf(v) ?? [])
          .filter((f) => f.in_app)
          .map((f) => `${f.module}.${f.function}`)
          .join(",")}`,
    );
    p.hashes = [md5(grouping.length ? grouping.join("\n") : message)];
    p.grouping_config = GROUPING_CONFIG;
    if (processed) {
      // source-mapped frames remember how they were resolved; the minified ones go to raw_stacktrace
      for (const v of values) {
        const fr = framesOf(v);
        if (!fr) continue;
        v.raw_stacktrace = { frames: fr.map(bundledFrame) };
        for (const f of fr) {
          if (f.in_app)
            f.data = {
              sourcemap: `${ROOT}dist/server.js.map`,
              resolved_with: "debug-id",
              symbolicated: true,
            };
        }
      }
    }
  }
  if (p.location === undefined) delete p.location;
  p.nodestore_insert = round6((p.received as number) + insertDelay);
}

function unprocessedCopy(p: Obj, debugId: string): Obj {
  const copy = structuredClone(p);
  for (const v of exceptionValues(copy)) {
    const fr = framesOf(v);
    if (fr) (v.stacktrace as Obj).frames = fr.map(bundledFrame);
  }
  copy.debug_meta = {
    images: [{ type: "sourcemap", code_file: `${ROOT}dist/server.js`, debug_id: debugId }],
  };
  return copy;
}

function encodedLength(main: Obj, unprocessed: Obj | undefined): number {
  return sentryJsonDumps(main).length + (unprocessed ? 13 + sentryJsonDumps(unprocessed).length : 0);
}

export function toStored(input: StoredInput): StoredEvent {
  const { p, spans, meta } = relay(input);
  const isTx = p.type === "transaction";
  const hasFrames = exceptionValues(p).some((v) => framesOf(v)?.length);
  const reprocessable = input.withUnprocessed && !isTx && hasFrames;
  const insertDelay = input.rng.float(0.2, 8);
  const debugId = `${input.rng.hex(8)}-${input.rng.hex(4)}-4${input.rng.hex(3)}-a${input.rng.hex(3)}-${input.rng.hex(12)}`;

  const build = (): { main: Obj; unprocessed?: Obj } => {
    const unprocessed = reprocessable ? unprocessedCopy(p, debugId) : undefined;
    const main = structuredClone(p);
    if (reprocessable)
      main.debug_meta = {
        images: [{ type: "sourcemap", code_file: `${ROOT}dist/server.js`, debug_id: debugId }],
      };
    eventManager(main, input, reprocessable, insertDelay);
    return { main, unprocessed };
  };

  // Trim towards the target: keep the newest breadcrumbs / drop leaf spans that fit.
  const target = Math.min(input.plan.targetBytes, input.maxBytes);
  const crumbs = isObj(p.breadcrumbs) ? (p.breadcrumbs.values as Obj[]) : [];
  if (crumbs.length) {
    const copies = reprocessable ? 2 : 1;
    (p.breadcrumbs as Obj).values = [];
    const base = build();
    let size = encodedLength(base.main, base.unprocessed);
    let keep = 0;
    for (let i = crumbs.length - 1; i >= 0; i--) {
      const add = (sentryJsonDumps(crumbs[i]).length + 1) * copies;
      if (size + add > target && keep > 0) break;
      size += add;
      keep++;
    }
    if (keep === 0 && size > target) (p.breadcrumbs as Obj).values = [];
    else (p.breadcrumbs as Obj).values = crumbs.slice(crumbs.length - keep);
    if (((p.breadcrumbs as Obj).values as Obj[]).length === 0) delete p.breadcrumbs;
  }
  if (isTx && spans.length) {
    const sizes = new Map(spans.map((s) => [s, sentryJsonDumps(s).length + 1]));
    let size = encodedLength(build().main, undefined);
    let kept = spans.slice();
    while (size > target && kept.length > 1) {
      const parents = new Set(kept.map((s) => s.parent_span_id));
      const idx = kept.findLastIndex((s) => !parents.has(s.span_id));
      size -= sizes.get(kept[idx]!)!;
      kept = kept.filter((_, i) => i !== idx);
    }
    if (kept.length !== spans.length) {
      p.spans = kept;
      assignSpanTimes(
        p,
        kept,
        input.rng.fork("retime"),
        p.start_timestamp as number,
        ((p.timestamp as number) - (p.start_timestamp as number)) * 1000,
      );
    }
  }

  // Relay's PII scrubbing of one breadcrumb (after trimming, so the _meta index is right)
  scrubBreadcrumbs(p, input.rng, meta);
  if (Object.keys(meta).length) p._meta = meta;

  let { main, unprocessed } = build();
  // Hard cap: drop the outermost frames of the longest stack (context lines are the bulk).
  while (encodedLength(main, unprocessed) > input.maxBytes) {
    const values = exceptionValues(p).filter((v) => (framesOf(v)?.length ?? 0) > 1);
    if (isTx && Array.isArray(p.spans) && (p.spans as Span[]).length > 1) {
      const list = p.spans as Span[];
      const parents = new Set(list.map((s) => s.parent_span_id));
      const idx = list.findLastIndex((s) => !parents.has(s.span_id));
      list.splice(idx, 1);
    } else if (values.length) {
      const longest = values.reduce((a, b) => (framesOf(a)!.length >= framesOf(b)!.length ? a : b));
      framesOf(longest)!.shift();
    } else if (isObj(p.extra)) {
      delete p.extra;
    } else {
      break;
    }
    ({ main, unprocessed } = build());
  }

  (main._metrics as Obj)["bytes.stored.event"] = encodedLength(main, unprocessed);
  return { main, subkeys: unprocessed ? [["unprocessed", unprocessed]] : [] };
}
