/**
 * Transaction jobs: an `http.server` root span over a span tree sized for the target (stored/ drops
 * leaf spans afterwards to land on it), with a response status and sometimes measurements.
 */
import type { Rng } from "../prng.js";
import { ROUTES, USER_AGENTS } from "../text.js";
import { addBreadcrumbs } from "./breadcrumbs.js";
import { type Plan, RUNTIMES } from "./plan.js";
import { setCommonScope } from "./scope.js";
import { buildSpanTree, runSpans } from "./spans.js";

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
