/**
 * Scenario planning: turns a seeded PRNG into SDK jobs. An error job runs a request through the
 * CommonJS application in ../app (so the exception, its stack and its context lines are real),
 * with breadcrumbs, tags, contexts, user, request and extra set on the SDK scopes. A transaction
 * job builds a tree of nested `Sentry.startSpan` calls.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as Sentry from "@sentry/node";
import type { Rng } from "./prng.js";
import type { SdkApi, SdkJob } from "./sdk.js";
import {
  CITIES,
  CURRENCIES,
  fill,
  HTTP_TARGETS,
  LOCALES,
  LOG_TEMPLATES,
  longText,
  MESSAGE_TEMPLATES,
  PRODUCTS,
  person,
  ROUTES,
  SQL_TEMPLATES,
  TABLES,
  tenant,
  USER_AGENTS,
  USER_LANGS,
} from "./text.js";

/** Absolute path of the application directory (works from src/ and from dist/). */
export const APP_DIR = fileURLToPath(new URL("../app/", import.meta.url));

type AppRequest = Record<string, unknown>;
type App = { handle: unknown };
type Server = { createApp(middleware: string[]): App; handleRequest(app: App, req: AppRequest): unknown };

let server: Server | undefined;
function loadServer(): Server {
  // CommonJS through Node's own loader: line numbers and context lines are those of the files on disk
  server ??= createRequire(import.meta.url)(`${APP_DIR}src/server.cjs`) as Server;
  return server;
}

const OPTIONAL_MIDDLEWARE = [
  "cors",
  "helmet",
  "compression",
  "session",
  "tenantResolver",
  "featureFlags",
  "requestLogger",
];

export type ErrorScenario =
  | "inventory"
  | "orderValidation"
  | "dbUnique"
  | "dbRefused"
  | "dbTimeout"
  | "dbMissingColumn"
  | "paymentHtml"
  | "paymentDeclined"
  | "searchLocale"
  | "searchCurrency"
  | "graphql"
  | "template"
  | "authToken"
  | "profile"
  | "bodyJson"
  | "webhookMessage"
  | "plainMessage";

export type Plan = {
  kind: "error" | "transaction";
  scenario: string;
  /** Encoded size this event is trimmed towards (bytes, main + subkeys). */
  targetBytes: number;
  job: SdkJob;
  /** Route the event happened on, e.g. "POST /api/orders". */
  transaction: string;
  runtimeVersion: string;
};

const RUNTIMES = ["v20.18.1", "v20.19.2", "v22.11.0", "v22.17.0", "v24.4.1"];

// ---------------------------------------------------------------------------------------------
// shared scope data

function token(rng: Rng, user: ReturnType<typeof person>, id: string): string {
  const claims = {
    sub: id,
    name: user.name,
    locale: user.lang,
    roles: rng.chance(0.2) ? ["admin"] : ["customer"],
  };
  const b64 = (s: string) => Buffer.from(s).toString("base64url");
  return `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(JSON.stringify(claims))}.${rng.hex(43)}`;
}

type Common = {
  user: ReturnType<typeof person>;
  userId: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  locale: string;
};

function setCommonScope(
  rng: Rng,
  api: SdkApi,
  plan: { transaction: string; runtimeVersion: string; targetBytes: number },
): Common {
  const lean = plan.targetBytes < 5000;
  const { scope } = api;
  const user = person(rng);
  const userId = String(rng.int(1, 2_000_000));
  const city = rng.pick(CITIES);
  const locale = rng.pick(LOCALES);
  const ip = `${rng.pick([81, 91, 145, 185, 203, 213])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;

  if (rng.chance(lean ? 0.4 : 0.85)) {
    const u: Record<string, string> = { id: userId };
    if (rng.chance(0.8)) u.email = user.email;
    if (rng.chance(0.6)) u.username = user.username;
    if (rng.chance(0.7)) u.ip_address = ip;
    if (rng.chance(0.3)) u.name = user.name;
    scope.setUser(u);
  }

  scope.setTransactionName(plan.transaction);
  const tags: Record<string, string> = {
    tenant: tenant(rng),
    region: rng.pick(["eu-west-1", "eu-central-1", "us-east-1", "ap-northeast-1"]),
  };
  if (!lean && rng.chance(0.7)) tags.locale = locale;
  if (rng.chance(0.5)) tags["k8s.pod"] = `api-${rng.hex(10)}-${rng.hex(5)}`;
  if (rng.chance(0.4)) tags["feature.new_checkout"] = String(rng.chance(0.5));
  if (rng.chance(0.3)) tags.customer_tier = rng.pick(["free", "pro", "enterprise"]);
  if (rng.chance(0.25)) tags["shop.name"] = rng.pick(PRODUCTS);
  scope.setTags(tags);

  scope.setContext("runtime", { name: "node", version: plan.runtimeVersion });
  scope.setContext("os", {
    kernel_version: `6.${rng.int(1, 8)}.${rng.int(0, 90)}-${rng.int(1, 40)}-cloud-amd64`,
    name: "Linux",
    version: `6.${rng.int(1, 8)}.${rng.int(0, 90)}`,
  });
  if (lean) {
    scope.setSDKProcessingMetadata({
      normalizedRequest: {
        url: `https://${tags.tenant}.shop.example.com${plan.transaction.split(" ")[1]}`,
        method: plan.transaction.split(" ")[0],
      },
    });
    return { user, userId, headers: {}, cookies: {}, locale };
  }
  scope.setContext("device", {
    boot_time: new Date(Date.UTC(2025, 5, rng.int(1, 28), rng.int(0, 23), rng.int(0, 59))).toISOString(),
    arch: rng.pick(["x64", "x64", "arm64"]),
    memory_size: rng.pick([2, 4, 8, 16]) * 1073741824,
    free_memory: rng.int(100_000_000, 1_500_000_000),
    processor_count: rng.pick([2, 4, 8]),
    cpu_description: rng.pick([
      "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
      "AMD EPYC 7R13 Processor",
      "Neoverse-N1",
    ]),
    processor_frequency: rng.pick([2900, 2650, 3000]),
  });
  scope.setContext("culture", { locale, timezone: city[3] });
  scope.setContext("app", {
    app_start_time: new Date(Date.UTC(2025, 5, rng.int(1, 28), rng.int(0, 23), rng.int(0, 59))).toISOString(),
    app_memory: rng.int(80_000_000, 900_000_000),
  });
  if (rng.chance(0.6)) {
    scope.setContext("cloud_resource", {
      "cloud.provider": "aws",
      "cloud.platform": rng.pick(["aws_ecs", "aws_eks", "aws_ec2"]),
      "cloud.region": tags.region,
      "cloud.availability_zone": `${tags.region}${rng.pick(["a", "b", "c"])}`,
      "cloud.account.id": String(rng.int(100000000000, 999999999999)),
    });
  }
  if (rng.chance(0.35)) {
    scope.setContext("flags", {
      values: ["new-checkout", "search-v2", "dark-mode", "rtl-layout", "fast-refunds"]
        .filter(() => rng.chance(0.6))
        .map((flag) => ({ flag, result: rng.chance(0.5) })),
    });
  }

  const [method, url] = plan.transaction.split(" ") as [string, string];
  const path = url.replace(":id", String(rng.int(1000, 999999)));
  const headers: Record<string, string> = {
    host: `${tags.tenant}.shop.example.com`,
    "user-agent": rng.pick(USER_AGENTS),
    accept: rng.pick(["application/json", "*/*", "application/json, text/plain, */*"]),
    "accept-language": `${locale},${locale.slice(0, 2)};q=0.9,en;q=0.8`,
    "accept-encoding": "gzip, deflate, br",
    "x-request-id": `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    "x-forwarded-for": ip,
    "x-forwarded-proto": "https",
  };
  if (method !== "GET") headers["content-type"] = "application/json";
  if (rng.chance(0.5)) {
    headers["sentry-trace"] = `${rng.hex(32)}-${rng.hex(16)}-1`;
    headers.baggage = `sentry-environment=production,sentry-public_key=${rng.hex(32)},sentry-trace_id=${rng.hex(32)},sentry-sample_rate=1`;
  }
  const cookies: Record<string, string> = {};
  if (rng.chance(0.6)) {
    cookies.sid = rng.hex(32);
    cookies.theme = rng.pick(["dark", "light"]);
    if (rng.chance(0.5)) cookies.locale = locale;
    headers.cookie = Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  }
  const query = rng.chance(0.5)
    ? `page=${rng.int(1, 20)}&per_page=25&sort=${rng.pick(["created_at", "-total", "name"])}`
    : "";
  scope.setSDKProcessingMetadata({
    normalizedRequest: {
      url: `https://${headers.host}${path}${query ? `?${query}` : ""}`,
      method,
      headers,
      query_string: query || undefined,
      cookies: Object.keys(cookies).length ? cookies : undefined,
    },
    ipAddress: ip,
  });
  return { user, userId, headers, cookies, locale };
}

// ---------------------------------------------------------------------------------------------
// breadcrumbs

function breadcrumb(rng: Rng, big: boolean): Sentry.Breadcrumb {
  const kind = rng.weighted([
    [40, "console"],
    [25, "http"],
    [10, "navigation"],
    [12, "query"],
    [6, "redis"],
    [7, "auth"],
  ] as const);
  switch (kind) {
    case "console": {
      const level = rng.weighted([
        [70, "info"],
        [15, "log"],
        [10, "warning"],
        [5, "error"],
      ] as const);
      const message =
        big && rng.chance(0.35) ? longText(rng, rng.int(400, 3000)) : fill(rng.pick(LOG_TEMPLATES), rng);
      const args: unknown[] = [message];
      if (rng.chance(0.3))
        args.push({ orderId: `ord_${rng.hex(10)}`, items: rng.int(1, 9), currency: rng.pick(CURRENCIES) });
      return { category: "console", level, message, data: { arguments: args, logger: "console" } };
    }
    case "http": {
      const [method, target] = rng.pick(HTTP_TARGETS);
      const status = rng.weighted([
        [80, 200],
        [5, 201],
        [5, 404],
        [4, 429],
        [6, 502],
      ] as const);
      const data: Record<string, unknown> = {
        method,
        url: target.replace("{id}", rng.hex(14)),
        status_code: status,
      };
      if (rng.chance(0.3))
        data["http.query"] = `?q=${encodeURIComponent(rng.pick(PRODUCTS))}&lang=${rng.pick(USER_LANGS)}`;
      return {
        type: "http",
        category: "http",
        level: status >= 500 ? "error" : status >= 400 ? "warning" : "info",
        data,
      };
    }
    case "navigation":
      return {
        category: "navigation",
        data: {
          from: rng.pick(ROUTES)[1],
          to: rng.pick(ROUTES)[1].replace(":id", String(rng.int(1, 99999))),
        },
      };
    case "query": {
      const sql = rng.pick(SQL_TEMPLATES).replaceAll("{t}", rng.pick(TABLES));
      return { category: "query", message: sql, data: { db: "postgresql", duration_ms: rng.int(1, 900) } };
    }
    case "redis":
      return {
        category: "redis",
        message: `${rng.pick(["GET", "SET", "DEL", "EXPIRE"])} cart:${rng.hex(12)}:${rng.pick(LOCALES)}`,
        data: { "db.system": "redis" },
      };
    default:
      return {
        category: "auth",
        level: rng.chance(0.8) ? "info" : "warning",
        message: rng.chance(0.5)
          ? `User ${person(rng).name} authenticated via ${rng.pick(["jwt", "session", "api-key"])}`
          : `Token refresh for ${person(rng).email}`,
      };
  }
}

function addBreadcrumbs(rng: Rng, api: SdkApi, count: number, big: boolean): void {
  for (let i = 0; i < count; i++) api.scope.addBreadcrumb(breadcrumb(rng, big));
}

// ---------------------------------------------------------------------------------------------
// errors

const ERROR_ROUTES: Record<ErrorScenario, string> = {
  inventory: "POST /api/orders",
  orderValidation: "POST /api/orders",
  dbUnique: "POST /api/orders",
  dbRefused: "GET /api/orders/lookup",
  dbTimeout: "GET /api/orders/lookup",
  dbMissingColumn: "GET /api/orders/lookup",
  paymentHtml: "POST /api/payments/charge",
  paymentDeclined: "POST /api/payments/charge",
  searchLocale: "GET /api/search",
  searchCurrency: "GET /api/search",
  graphql: "POST /api/graphql",
  template: "GET /api/account/statement",
  authToken: "GET /api/orders/lookup",
  profile: "PATCH /api/users/me",
  bodyJson: "POST /api/orders",
  webhookMessage: "POST /webhooks/shipping",
  plainMessage: "POST /webhooks/shipping",
};

const DECLINES = [
  "Your card was declined.",
  "Votre carte a été refusée. Veuillez contacter votre banque.",
  "Ihre Karte wurde abgelehnt.",
  "カードが拒否されました。",
  "您的银行卡被拒绝。",
  "تم رفض بطاقتك.",
  "הכרטיס שלך נדחה.",
  "Ваша карта отклонена. 💳",
];

function orderItems(rng: Rng, n: number) {
  return Array.from({ length: n }, () => ({
    sku: `SKU-${rng.int(10000, 99999)}`,
    name: rng.pick(PRODUCTS),
    quantity: rng.int(1, 5),
    unitPrice: rng.int(100, 20000) / 100,
  }));
}

function appRequest(rng: Rng, scenario: ErrorScenario, common: Common, depth: number): AppRequest {
  const [method, path] = ERROR_ROUTES[scenario].split(" ") as [string, string];
  const headers: Record<string, string> = { ...common.headers };
  headers.authorization = `Bearer ${token(rng, common.user, common.userId)}`;
  const s: Record<string, unknown> = {};
  const query: Record<string, string> = {};
  let body: unknown;
  const items = orderItems(rng, rng.int(1, 6));
  const currency = rng.pick(CURRENCIES);
  switch (scenario) {
    case "inventory":
      s.stock = Object.fromEntries(items.slice(1).map((it) => [it.sku, { available: 50, reserved: 0 }]));
      body = { items, currency, note: fill(rng.pick(LOG_TEMPLATES), rng) };
      break;
    case "orderValidation":
      items[items.length - 1]!.quantity = rng.pick([0, -1]);
      body = { items, currency };
      break;
    case "dbUnique":
      s.stock = Object.fromEntries(items.map((it) => [it.sku, { available: 50, reserved: 0 }]));
      s.dbFailure = "unique";
      body = { items, currency, note: fill(rng.pick(LOG_TEMPLATES), rng) };
      break;
    case "dbRefused":
    case "dbTimeout":
    case "dbMissingColumn":
      s.dbFailure = { dbRefused: "refused", dbTimeout: "timeout", dbMissingColumn: "missingColumn" }[
        scenario
      ];
      s.dbHost = `10.0.${rng.int(0, 9)}.${rng.int(2, 250)}`;
      query.id = String(rng.int(1000, 999999));
      break;
    case "paymentHtml":
    case "paymentDeclined": {
      const order = {
        id: `ord_${rng.hex(10)}`,
        total: rng.int(100, 99999) / 100,
        currency,
        description: items.map((it) => it.name).join(", "),
        customer: common.user.name,
        provider: rng.pick(["stripe", "adyen", "paypal"]),
      };
      body = { order, card: { token: `pm_${rng.hex(24)}` } };
      s.providerResponse =
        scenario === "paymentHtml"
          ? {
              status: rng.pick([502, 503, 504]),
              headers: { "content-type": "text/html" },
              body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
            }
          : {
              status: 402,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ error: { code: "card_declined", message: rng.pick(DECLINES) } }),
            };
      break;
    }
    case "searchLocale":
      query.q = rng.pick(PRODUCTS);
      query.locale = rng.pick(["en_US", "fr_FR", "de-DE-u-co-phonebk-xx-", "zh_Hant_TW", "pt_BR"]);
      s.index = [];
      break;
    case "searchCurrency":
      query.q = rng.pick(PRODUCTS).slice(0, 1);
      query.locale = rng.pick(LOCALES);
      s.index = items.map((it) => ({
        title: it.name,
        price: it.unitPrice,
        currency: rng.pick(["EURO", "US$", "€", "RMB¥"]),
      }));
      break;
    case "graphql":
      s.depth = depth;
      body = {
        query: "query Order($id: ID!) { order(id: $id) { customer { address { country { region } } } } }",
      };
      break;
    case "template":
      s.statement = {
        broken: true,
        widget: rng.pick(["chart", "sparkline", "badge"]),
        total: rng.int(1, 99999),
        currency,
        depth,
      };
      break;
    case "authToken":
      headers.authorization = rng.chance(0.5)
        ? `Bearer ${rng.hex(40)}`
        : `Bearer ${rng.hex(20)}.${Buffer.from(`{"sub":"${common.userId}","name":"${common.user.name}"`).toString("base64url")}.${rng.hex(20)}`;
      query.id = String(rng.int(1000, 999999));
      break;
    case "profile": {
      const bad = rng.pick(["🚀", "😀", "\u202e", "\u200f", "🎉🎉", "\u0007"]);
      body = { displayName: `${common.user.name} ${bad}`, bio: fill(rng.pick(LOG_TEMPLATES), rng) };
      break;
    }
    case "bodyJson":
      body = undefined;
      break;
    case "webhookMessage":
      body = {
        events: [
          { status: "delivered", message: "ok", level: "info" },
          {
            status: "exception",
            message: fill(rng.pick(MESSAGE_TEMPLATES), rng),
            level: rng.pick(["warning", "error", "info"]),
          },
        ],
      };
      break;
    case "plainMessage":
      break;
  }
  const rawBody =
    scenario === "bodyJson"
      ? JSON.stringify({ items, currency, note: fill(rng.pick(LOG_TEMPLATES), rng) }).slice(
          0,
          rng.int(10, 60),
        )
      : body === undefined
        ? ""
        : JSON.stringify(body);
  return {
    method,
    path,
    url: path + (Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""),
    headers,
    cookies: common.cookies,
    query,
    rawBody,
    seq: rng.int(1, 1e6),
    scenario: s,
  };
}

function extras(rng: Rng, api: SdkApi, big: boolean): void {
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    switch (rng.int(0, 5)) {
      case 0:
        api.scope.setExtra("retry", {
          attempt: rng.int(1, 5),
          maxAttempts: 5,
          backoffMs: rng.int(100, 8000),
        });
        break;
      case 1:
        api.scope.setExtra("cart", {
          id: `cart_${rng.hex(12)}`,
          items: orderItems(rng, rng.int(1, big ? 40 : 6)),
        });
        break;
      case 2:
        api.scope.setExtra("queryPlan", rng.pick(SQL_TEMPLATES).replaceAll("{t}", rng.pick(TABLES)));
        break;
      case 3:
        api.scope.setExtra("password", rng.hex(12)); // scrubbed by Relay (see stored.ts)
        break;
      case 4:
        api.scope.setExtra(
          "note",
          big ? longText(rng, rng.int(500, 4000)) : fill(rng.pick(LOG_TEMPLATES), rng),
        );
        break;
      default:
        api.scope.setExtra("jobId", `${rng.hex(8)}-${rng.hex(4)}`);
    }
  }
}

function pickErrorScenario(rng: Rng, targetBytes: number): ErrorScenario {
  if (targetBytes < 4500) return rng.chance(0.7) ? "plainMessage" : "authToken";
  return rng.weighted([
    [12, "inventory"],
    [7, "orderValidation"],
    [9, "dbUnique"],
    [7, "dbRefused"],
    [5, "dbTimeout"],
    [3, "dbMissingColumn"],
    [7, "paymentHtml"],
    [5, "paymentDeclined"],
    [5, "searchLocale"],
    [4, "searchCurrency"],
    [targetBytes > 30000 ? 14 : 5, "graphql"],
    [targetBytes > 30000 ? 10 : 4, "template"],
    [5, "authToken"],
    [7, "profile"],
    [4, "bodyJson"],
    [6, "webhookMessage"],
  ] as const);
}

export function planError(rng: Rng, targetBytes: number): Plan {
  const scenario = pickErrorScenario(rng, targetBytes);
  const transaction = ERROR_ROUTES[scenario];
  const runtimeVersion = rng.pick(RUNTIMES);
  const big = targetBytes > 60_000;
  // Node's default is 10 frames; many apps raise it.
  // Frames with context lines cost ~0.9 KB each: give them about a third of the target and leave the
  // rest to breadcrumbs and the other interfaces.
  const stackLimit =
    targetBytes < 4500 ? 3 : Math.max(4, Math.min(50, Math.round((targetBytes * rng.float(0.2, 0.5)) / 900)));
  const depth = Math.max(2, Math.min(14, Math.round(stackLimit / 4) + rng.int(-1, 3)));
  const crumbs =
    targetBytes < 4500 ? rng.int(0, 4) : Math.min(100, Math.round(targetBytes / 300) + rng.int(0, 20));
  const middleware = OPTIONAL_MIDDLEWARE.filter(() => rng.chance(0.5));
  const plan: Plan = {
    kind: "error",
    scenario,
    targetBytes,
    transaction,
    runtimeVersion,
    job: (api) => {
      const common = setCommonScope(rng, api, plan);
      addBreadcrumbs(rng, api, crumbs, big);
      extras(rng, api, big);
      if (rng.chance(0.1)) api.scope.setFingerprint(["{{ default }}", scenario]);
      const req = appRequest(rng, scenario, common, depth);
      if (scenario === "plainMessage") {
        // no in-app frames: becomes a plain message event without a stack trace
        api.Sentry.captureMessage(
          fill(rng.pick(MESSAGE_TEMPLATES), rng),
          rng.pick(["info", "warning", "error"]),
        );
        return;
      }
      req.report = (message: string, level: Sentry.SeverityLevel) =>
        api.Sentry.captureMessage(message, level);
      const srv = loadServer();
      const app = srv.createApp(middleware);
      const previousLimit = Error.stackTraceLimit;
      Error.stackTraceLimit = stackLimit;
      let thrown: unknown;
      let threw = false;
      try {
        srv.handleRequest(app, req);
      } catch (error) {
        thrown = error;
        threw = true;
      } finally {
        Error.stackTraceLimit = previousLimit;
      }
      if (threw) {
        const handled = rng.chance(0.35);
        api.Sentry.captureException(thrown, {
          mechanism: handled
            ? { type: "generic", handled: true }
            : {
                type: rng.pick(["auto.middleware.express", "auto.http.express", "onunhandledrejection"]),
                handled: false,
              },
        });
      } else if (scenario !== "webhookMessage") {
        throw new Error(`corpus scenario ${scenario} did not throw`);
      }
    },
  };
  return plan;
}

// ---------------------------------------------------------------------------------------------
// transactions

type SpanPlan = {
  name: string;
  op: string;
  attributes: Record<string, string | number | boolean>;
  error?: string;
  children: SpanPlan[];
};

function dbSpan(rng: Rng): SpanPlan {
  const table = rng.pick(TABLES);
  let sql = rng.pick(SQL_TEMPLATES).replaceAll("{t}", table);
  if (rng.chance(0.08)) sql = `SELECT * FROM "products" WHERE "name" ILIKE '%${rng.pick(PRODUCTS)}%'`;
  return {
    name: sql,
    op: "db",
    attributes: {
      "sentry.origin": "auto.db.otel.postgres",
      "db.system": "postgresql",
      "db.name": "shop",
      "db.user": "shop_app",
      "db.statement": sql,
      "db.operation": sql.split(" ")[0]!,
      "net.peer.name": "10.0.3.17",
      "net.peer.port": 5432,
      "otel.kind": "CLIENT",
    },
    error: rng.chance(0.02) ? "internal_error" : undefined,
    children: [],
  };
}

function httpSpan(rng: Rng): SpanPlan {
  const [method, target] = rng.pick(HTTP_TARGETS);
  const url = target.replace("{id}", rng.hex(14));
  const u = new URL(url);
  const status = rng.weighted([
    [88, 200],
    [4, 201],
    [3, 404],
    [5, 503],
  ] as const);
  return {
    name: `${method} ${url}`,
    op: "http.client",
    attributes: {
      "sentry.origin": "auto.http.otel.node_fetch",
      "http.request.method": method,
      "url.full": url,
      "url.path": u.pathname,
      "server.address": u.hostname,
      "server.port": u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80,
      "http.response.status_code": status,
      "network.peer.address": `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      "network.protocol.version": "1.1",
      "otel.kind": "CLIENT",
    },
    error: status >= 500 ? "unavailable" : undefined,
    children: [],
  };
}

function cacheSpans(rng: Rng): SpanPlan[] {
  const key = `product:${rng.int(1, 50000)}:${rng.pick(LOCALES)}`;
  const hit = rng.chance(0.7);
  const get: SpanPlan = {
    name: key,
    op: "cache.get",
    attributes: {
      "sentry.origin": "auto.db.otel.redis",
      "cache.key": key,
      "cache.hit": hit,
      "cache.item_size": hit ? rng.int(80, 20000) : 0,
      "network.peer.address": "redis-master.cache.svc",
      "network.peer.port": 6379,
      "db.system": "redis",
    },
    children: [],
  };
  if (hit) return [get];
  return [
    get,
    dbSpan(rng),
    { ...get, op: "cache.put", attributes: { ...get.attributes, "cache.hit": false } },
  ];
}

function leafPattern(rng: Rng, budget: number): SpanPlan[] {
  const kind = rng.weighted([
    [40, "db"],
    [18, "cache"],
    [14, "http"],
    [12, "batch"],
    [8, "render"],
    [8, "queue"],
  ] as const);
  switch (kind) {
    case "db":
      return [dbSpan(rng)];
    case "cache":
      return cacheSpans(rng);
    case "http":
      return [httpSpan(rng)];
    case "batch": {
      // the N+1 pattern: one function span with many similar queries
      const n = Math.max(1, Math.min(budget - 1, rng.int(3, 40)));
      const template = dbSpan(rng);
      return [
        {
          name: rng.pick(["loadOrderItems", "resolvePrices", "hydrateCustomers", "OrderSerializer.toJSON"]),
          op: "function",
          attributes: { "sentry.origin": "manual", "code.function": "batch", "items.count": n },
          children: Array.from({ length: n }, () => ({
            ...template,
            attributes: { ...template.attributes },
          })),
        },
      ];
    }
    case "render":
      return [
        {
          name: `account/statement.${rng.pick(LOCALES)}.hbs`,
          op: "template.render",
          attributes: {
            "sentry.origin": "manual",
            "template.locale": rng.pick(LOCALES),
            "template.title": rng.pick(PRODUCTS),
          },
          children: [],
        },
      ];
    default:
      return [
        {
          name: rng.pick(["order.created", "email.send", "invoice.render", "search.reindex"]),
          op: "queue.publish",
          attributes: {
            "sentry.origin": "auto.queue.bullmq",
            "messaging.system": "bullmq",
            "messaging.destination.name": rng.pick(["orders", "emails", "invoices"]),
            "messaging.message.id": rng.hex(16),
            "messaging.message.body.size": rng.int(200, 9000),
          },
          children: [],
        },
      ];
  }
}

function countSpans(spans: SpanPlan[]): number {
  let n = 0;
  for (const s of spans) n += 1 + countSpans(s.children);
  return n;
}

function buildSpanTree(rng: Rng, route: string, total: number): SpanPlan[] {
  const middleware: SpanPlan[] = [
    "query",
    "expressInit",
    "corsMiddleware",
    "jsonParser",
    "session",
    "authenticate",
    "rateLimit",
  ]
    .filter(() => rng.chance(0.6))
    .slice(0, Math.max(1, Math.min(total - 2, 7)))
    .map((name) => ({
      name,
      op: "middleware.express",
      attributes: {
        "sentry.origin": "auto.http.otel.express",
        "express.name": name,
        "express.type": "middleware",
      },
      children: [],
    }));
  const handler: SpanPlan = {
    name: route.split(" ")[1]!,
    op: "request_handler.express",
    attributes: {
      "sentry.origin": "auto.http.otel.express",
      "express.name": route.split(" ")[1]!,
      "express.type": "request_handler",
      "http.route": route.split(" ")[1]!,
    },
    children: [],
  };
  let budget = total - middleware.length - 1;
  while (budget > 0) {
    const group = leafPattern(rng, budget);
    const n = countSpans(group);
    if (n > budget) {
      handler.children.push(dbSpan(rng));
      budget -= 1;
      continue;
    }
    handler.children.push(...group);
    budget -= n;
  }
  return [...middleware, handler];
}

function runSpans(api: SdkApi, spans: SpanPlan[]): void {
  for (const plan of spans) {
    api.Sentry.startSpan({ name: plan.name, op: plan.op, attributes: plan.attributes }, (span) => {
      runSpans(api, plan.children);
      if (plan.error) span.setStatus({ code: 2, message: plan.error });
    });
  }
}

export function planTransaction(rng: Rng, targetBytes: number): Plan {
  const route = rng.pick(ROUTES.filter(([, p]) => p !== "/healthz" || targetBytes < 5000));
  const transaction = `${route[0]} ${route[1]}`;
  // ~560 encoded bytes per span on average; trimmed to the target afterwards
  const spanCount = Math.max(2, Math.min(999, Math.round((targetBytes - 2600) / 520) + 2));
  const crumbs = rng.chance(0.5) ? rng.int(0, 12) : 0;
  const plan: Plan = {
    kind: "transaction",
    scenario: spanCount > 300 ? "transaction-large" : "transaction",
    targetBytes,
    transaction,
    runtimeVersion: rng.pick(RUNTIMES),
    job: (api) => {
      setCommonScope(rng, api, plan);
      addBreadcrumbs(rng, api, crumbs, false);
      const tree = buildSpanTree(rng, transaction, spanCount);
      const status = rng.weighted([
        [85, 200],
        [5, 404],
        [4, 422],
        [6, 500],
      ] as const);
      api.Sentry.startSpan(
        {
          name: transaction,
          op: "http.server",
          forceTransaction: true,
          attributes: {
            "sentry.source": "route",
            "sentry.segment.name.source": "route",
            "sentry.origin": "auto.http.otel.http",
            "http.request.method": route[0],
            "http.route": route[1],
            "url.path": route[1].replace(":id", String(rng.int(1, 99999))),
            "http.response.status_code": status,
            "network.protocol.version": "1.1",
            "user_agent.original": rng.pick(USER_AGENTS),
            "otel.kind": "SERVER",
          },
        },
        (root) => {
          if (rng.chance(0.4)) {
            api.Sentry.setMeasurement("memory.heap_used", rng.int(40_000_000, 800_000_000), "byte");
            api.Sentry.setMeasurement("event_loop.lag", rng.int(1, 400), "millisecond");
          }
          runSpans(api, tree);
          if (status >= 500) root.setStatus({ code: 2, message: "internal_error" });
          else if (status >= 400)
            root.setStatus({ code: 2, message: status === 404 ? "not_found" : "invalid_argument" });
        },
      );
    },
  };
  return plan;
}
