/**
 * Error jobs: pick a scenario for the size target, size the stack (`Error.stackTraceLimit`) and the
 * breadcrumbs, run the request through the app and capture what it throws (or the message it reports).
 */
import type * as Sentry from "@sentry/node";
import type { Rng } from "../prng.js";
import type { SdkApi } from "../sdk.js";
import { fill, LOG_TEMPLATES, longText, MESSAGE_TEMPLATES, SQL_TEMPLATES, TABLES } from "../text.js";
import { loadServer, OPTIONAL_MIDDLEWARE } from "./app.js";
import { addBreadcrumbs } from "./breadcrumbs.js";
import { appRequest, ERROR_ROUTES, orderItems } from "./error-requests.js";
import { type ErrorScenario, type Plan, RUNTIMES } from "./plan.js";
import { setCommonScope } from "./scope.js";

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
        api.scope.setExtra("password", rng.hex(12)); // scrubbed by Relay (see stored/relay.ts)
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
