/**
 * The request each error scenario sends through the app: its route, headers (with a JWT), query,
 * body and the `scenario` switches that make the app's code fail in that scenario's way.
 */
import type { Rng } from "../prng.js";
import {
  CURRENCIES,
  fill,
  LOCALES,
  LOG_TEMPLATES,
  MESSAGE_TEMPLATES,
  PRODUCTS,
  type person,
} from "../text.js";
import type { AppRequest } from "./app.js";
import type { ErrorScenario } from "./plan.js";
import type { Common } from "./scope.js";

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

export const ERROR_ROUTES: Record<ErrorScenario, string> = {
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

export function orderItems(rng: Rng, n: number) {
  return Array.from({ length: n }, () => ({
    sku: `SKU-${rng.int(10000, 99999)}`,
    name: rng.pick(PRODUCTS),
    quantity: rng.int(1, 5),
    unitPrice: rng.int(100, 20000) / 100,
  }));
}

export function appRequest(rng: Rng, scenario: ErrorScenario, common: Common, depth: number): AppRequest {
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
