/**
 * Breadcrumbs of the kinds a Node service collects (console, http, navigation, query, redis, auth).
 * `big` events get some long console messages so that breadcrumbs can fill large size targets.
 */
import type * as Sentry from "@sentry/node";
import type { Rng } from "../prng.js";
import type { SdkApi } from "../sdk.js";
import {
  CURRENCIES,
  fill,
  HTTP_TARGETS,
  LOCALES,
  LOG_TEMPLATES,
  longText,
  PRODUCTS,
  person,
  ROUTES,
  SQL_TEMPLATES,
  TABLES,
  USER_LANGS,
} from "../text.js";

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

export function addBreadcrumbs(rng: Rng, api: SdkApi, count: number, big: boolean): void {
  for (let i = 0; i < count; i++) api.scope.addBreadcrumb(breadcrumb(rng, big));
}
