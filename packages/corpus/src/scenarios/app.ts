/**
 * The CommonJS application in ../../app that error jobs run requests through. It is loaded with
 * Node's own `require` so the exceptions, their stacks and their context lines are real.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** Absolute path of the application directory (works from src/scenarios/ and from dist/scenarios/). */
export const APP_DIR = fileURLToPath(new URL("../../app/", import.meta.url));

export type AppRequest = Record<string, unknown>;
type App = { handle: unknown };
type Server = { createApp(middleware: string[]): App; handleRequest(app: App, req: AppRequest): unknown };

let server: Server | undefined;
export function loadServer(): Server {
  // CommonJS through Node's own loader: line numbers and context lines are those of the files on disk
  server ??= createRequire(import.meta.url)(`${APP_DIR}src/server.cjs`) as Server;
  return server;
}

/** Optional middleware of app/src/middleware/common.cjs: each error plan mounts a random subset, so stacks vary. */
export const OPTIONAL_MIDDLEWARE = [
  "cors",
  "helmet",
  "compression",
  "session",
  "tenantResolver",
  "featureFlags",
  "requestLogger",
];
