/**
 * Span trees for transactions: express middleware, then a request handler whose children are leaf
 * patterns (db, cache get/put, http.client, N+1 batches, template.render, queue.publish) until the
 * planned span count is used up. `runSpans` replays a tree as nested `Sentry.startSpan` calls.
 */
import type { Rng } from "../prng.js";
import type { SdkApi } from "../sdk.js";
import { HTTP_TARGETS, LOCALES, PRODUCTS, SQL_TEMPLATES, TABLES } from "../text.js";

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

export function buildSpanTree(rng: Rng, route: string, total: number): SpanPlan[] {
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

export function runSpans(api: SdkApi, spans: SpanPlan[]): void {
  for (const plan of spans) {
    api.Sentry.startSpan({ name: plan.name, op: plan.op, attributes: plan.attributes }, (span) => {
      runSpans(api, plan.children);
      if (plan.error) span.setStatus({ code: 2, message: plan.error });
    });
  }
}
