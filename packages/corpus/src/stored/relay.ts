/**
 * Relay's part: the ingest fields (`project`, `key_id`, `received`, `ingest_path`, `_metrics`, ...),
 * SDK and module lists, the normalised interfaces, frames mapped to the deployed layout, span
 * fields, derived tags and the occasional processing `errors` entry.
 */
import type { Rng } from "../prng.js";
import { CITIES } from "../text.js";
import { exceptionValues, framesOf, rewriteFrames } from "./frames.js";
import { normalizeBreadcrumbs, normalizeContexts, normalizeRequest, tagList } from "./normalize.js";
import { isObj, iso, type Obj, ROOT, round3, round6, type Span, type StoredInput } from "./shared.js";
import { assignSpanTimes, normalizeSpans } from "./spans.js";

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

/** Processing errors Relay and symbolication record; about 12% of error events get one. */
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

export function relay(input: StoredInput): { p: Obj; spans: Span[]; meta: Obj } {
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
