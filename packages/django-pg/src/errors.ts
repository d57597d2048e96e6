import { BackendError, BackendUnavailableError, isNetworkError } from "@nodestore/core";

// 57P03: the server is starting up or shutting down; 53300: too many connections.
const PG_UNAVAILABLE = new Set(["57P03", "53300"]);

/** A `pg` failure as one of core's typed errors: unavailable (retry later), or an error naming the SQLSTATE. */
export function toTypedError(backend: string, operation: string, error: unknown, id?: string): Error {
  const e = error as { code?: string; message?: string };
  if (isNetworkError(error) || (e.code !== undefined && PG_UNAVAILABLE.has(e.code))) {
    return new BackendUnavailableError(backend, `${e.code ?? "network error"}: ${e.message ?? ""}`, error);
  }
  if (e.code === "42P01") {
    const message = `${e.message}; create it with bootstrap() or Sentry's migrations`;
    return new BackendError(backend, operation, message, { id, cause: error });
  }
  const where = e.code === undefined ? "" : ` (SQLSTATE ${e.code})`;
  return new BackendError(backend, operation, `${e.message ?? String(error)}${where}`, { id, cause: error });
}
