import { BackendError, BackendUnavailableError, isNetworkError, type NodestoreError } from "@nodestore/core";

/**
 * SQLSTATEs after which the same statement may succeed later: connection exceptions (class 08), too many
 * connections, the server shutting down, crashed or starting up, a statement cancelled (statement_timeout or
 * an operator's pg_cancel_backend), lock_timeout, and serialization failures / deadlocks between concurrent
 * writers.
 */
const PG_RETRYABLE = new Set(["53300", "57P01", "57P02", "57P03", "57014", "55P03", "40001", "40P01"]);

/** What went wrong with the connection itself, for errors `pg` raises without a code. */
type Transport = "timeout" | "connect-timeout" | "cut";

// pg and pg-pool raise these as plain Errors (no code); their wording is stable across pg 8.x.
const PG_TRANSPORT: ReadonlyArray<readonly [RegExp, Transport]> = [
  [/^Query read timeout$/, "timeout"],
  [/^timeout exceeded when trying to connect$/, "connect-timeout"],
  [/^Connection terminated due to connection timeout$/, "connect-timeout"],
  [/^timeout expired$/, "connect-timeout"],
  [/^Connection terminated/, "cut"],
  [/is not queryable$/, "cut"],
];

/** What the backend was doing when it failed, for the message. */
export interface FailureContext {
  readonly operation: string;
  readonly id?: string;
  /** The client-side bounds in force, to say which one fired. */
  readonly queryTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Raised by the backend itself when no connection came from a pool it does not own within connectTimeoutMs. */
export class ConnectWaitTimeout extends Error {
  constructor() {
    super("no connection from the pool in time");
    this.name = "ConnectWaitTimeout";
  }
}

/**
 * A `pg` failure as one of core's typed errors, the original as `cause`:
 * - the connection failed, was cut or timed out, or the server refused for a while (SQLSTATE above):
 *   `BackendUnavailableError`, `retryable`;
 * - the server answered with an SQL error: `BackendError` naming the SQLSTATE, not retryable.
 * Messages name the operation and node, never the connection string.
 */
export function toTypedError(backend: string, error: unknown, context: FailureContext): NodestoreError {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === "string" ? e.message : String(error);
  const code = typeof e.code === "string" ? e.code : undefined;
  const what =
    context.id === undefined
      ? `${context.operation}`
      : `${context.operation} of node ${JSON.stringify(context.id)}`;
  const transport =
    error instanceof ConnectWaitTimeout
      ? "connect-timeout"
      : code === undefined
        ? PG_TRANSPORT.find(([re]) => re.test(message))?.[1]
        : undefined;

  if (transport === "timeout") {
    return new BackendUnavailableError(
      backend,
      `${what} timed out after ${context.queryTimeoutMs} ms: PostgreSQL did not answer (raise queryTimeoutMs if the server is only slow)`,
      error,
    );
  }
  if (transport === "connect-timeout") {
    return new BackendUnavailableError(
      backend,
      `${what} timed out after ${context.connectTimeoutMs} ms waiting for a connection to PostgreSQL (${message})`,
      error,
    );
  }
  if (transport === "cut") {
    return new BackendUnavailableError(backend, `${what}: the connection was cut (${message})`, error);
  }
  if (isNetworkError(error)) {
    return new BackendUnavailableError(backend, `${what}: ${code ?? "network error"}: ${message}`, error);
  }
  if (code !== undefined && (PG_RETRYABLE.has(code) || code.startsWith("08"))) {
    return new BackendUnavailableError(backend, `${what}: ${message} (SQLSTATE ${code})`, error);
  }
  if (code === "42P01") {
    const detail = `${message} (SQLSTATE 42P01); create it with bootstrap() or Sentry's migrations`;
    return new BackendError(backend, context.operation, detail, { id: context.id, cause: error });
  }
  if (message === "Cannot use a pool after calling end on the pool") {
    const detail = "the store was closed (close() ends the pool it created)";
    return new BackendError(backend, context.operation, detail, { id: context.id, cause: error });
  }
  const where = code === undefined ? "" : ` (SQLSTATE ${code})`;
  return new BackendError(backend, context.operation, `${message}${where}`, { id: context.id, cause: error });
}
