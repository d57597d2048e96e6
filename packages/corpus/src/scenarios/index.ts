/**
 * Scenario planning: turns a seeded PRNG into SDK jobs. An error job (errors.ts) runs a request
 * through the CommonJS application in ../../app (app.ts), so the exception, its stack and its context
 * lines are real, with breadcrumbs, tags, contexts, user, request and extra set on the SDK scopes
 * (scope.ts, breadcrumbs.ts). A transaction job (transactions.ts) builds a tree of nested
 * `Sentry.startSpan` calls (spans.ts). Each plan draws from its own PRNG in a fixed order, so moving
 * code between these files must not reorder any draw: the corpus bytes depend on it.
 */
export { APP_DIR } from "./app.js";
export { planError } from "./errors.js";
export type { ErrorScenario, Plan } from "./plan.js";
export { planTransaction } from "./transactions.js";
