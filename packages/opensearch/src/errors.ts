import { BackendError, BackendUnavailableError, NodestoreError } from "@nodestore/core";

/** What a call concerned, for the message. */
export interface Where {
  readonly id?: string;
  readonly index?: string;
}

/** The part of an OpenSearch error body we read. */
export interface ServerError {
  readonly type?: string;
  readonly reason?: string;
  readonly index?: string;
  readonly root_cause?: ReadonlyArray<{ type?: string; reason?: string }>;
  readonly caused_by?: { type?: string; reason?: string };
}

/**
 * The client's failure, reduced to what is safe to keep: the SDK's own error holds the request (headers with the
 * Authorization value among them) in `meta`, so it is never kept as a `cause`.
 */
export class OpenSearchFailure extends Error {
  readonly statusCode: number | undefined;
  readonly type: string | undefined;
  constructor(name: string, message: string, statusCode?: number, type?: string) {
    super(message);
    this.name = `OpenSearch${name}`;
    this.statusCode = statusCode;
    this.type = type;
  }
}

/** Raised by our own per-call deadline (the client's timeout only watches for silence before the headers). */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = "DeadlineExceeded";
  }
}

const TLS_MESSAGE =
  /certificate|self[- ]signed|unable to verify|altnames|CERT_|wrong version number|SSL routines|tlsv1 alert/i;

/** Statuses after which the same request may succeed later: throttled, timed out, server-side trouble. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && (status === 429 || status === 408 || (status >= 500 && status !== 501));
}

export function reasonOf(error: ServerError | string | undefined): { type?: string; reason: string } {
  if (error === undefined) return { reason: "no details" };
  if (typeof error === "string") return { reason: error };
  const root = error.root_cause?.[0];
  const type = error.type ?? root?.type;
  const reason = error.reason ?? root?.reason ?? "no reason given";
  const caused = error.caused_by?.reason;
  return { type, reason: caused && !reason.includes(caused) ? `${reason} (${caused})` : reason };
}

function hintFor(status: number | undefined, type: string | undefined, reason: string): string | undefined {
  if (status === 401) return "check `auth` (user and password, or API key)";
  if (status === 403) return "the user lacks a permission on the alias or the daily indices (see the README)";
  if (status === 413)
    return "the request is larger than the cluster's http.max_content_length: lower `bulkMaxBytes` or raise it";
  if (/unknown value for \[index\.codec\]/.test(reason))
    return "set `codec` (or SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC) to a codec of the list, or install the codec's plugin";
  if (type === "index_not_found_exception")
    return "create the template with bootstrap() before the first write";
  if (type === "cluster_block_exception")
    return "the index or cluster is read-only (disk watermark or an operator's block)";
  return undefined;
}

/**
 * A client failure as one of core's typed errors:
 * - no connection, a cut connection, a timeout (ours or the client's), HTTP 429, 408 and 5xx but 501:
 *   `BackendUnavailableError` (`retryable`);
 * - TLS verification failures, and every other answer: `BackendError` naming the operation, node, index,
 *   HTTP status and OpenSearch error type, with a hint when the fix is known.
 * Messages never carry credentials or URLs with them; `cause` is an `OpenSearchFailure` without the request.
 */
export function toTypedError(
  backend: string,
  operation: string,
  error: unknown,
  where: Where,
  timeoutMs: number,
): NodestoreError {
  if (error instanceof NodestoreError) return error;
  const what = `${operation}${where.id === undefined ? "" : ` of node ${JSON.stringify(where.id)}`}${where.index === undefined ? "" : ` (index ${where.index})`}`;
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    meta?: { statusCode?: number; body?: unknown };
  };
  const name = typeof e.name === "string" ? e.name : "Error";
  const message = typeof e.message === "string" ? e.message : String(error);

  if (error instanceof DeadlineExceeded || name === "TimeoutError") {
    const cause = new OpenSearchFailure("TimeoutError", message);
    return new BackendUnavailableError(
      backend,
      `${what} timed out after ${timeoutMs} ms: OpenSearch did not answer in full (raise requestTimeoutMs if the cluster is only slow)`,
      cause,
    );
  }
  if (name === "ConnectionError" || name === "NoLivingConnectionsError") {
    const cause = new OpenSearchFailure(name, message);
    if (TLS_MESSAGE.test(message)) {
      return new BackendError(
        backend,
        operation,
        `TLS verification failed (${message}); set \`caBundlePath\` to your CA, or \`skipTlsVerify\``,
        { id: where.id, cause },
      );
    }
    return new BackendUnavailableError(backend, `${what}: no answer from OpenSearch (${message})`, cause);
  }
  if (name === "DeserializationError") {
    // OpenSearch always answers JSON when it says so: a body that does not parse was cut on the way.
    const cause = new OpenSearchFailure(name, message);
    return new BackendUnavailableError(backend, `${what}: the answer was cut short (${message})`, cause);
  }
  if (name === "ResponseError") {
    const status = e.meta?.statusCode;
    const body = e.meta?.body as { error?: ServerError | string } | string | undefined;
    const { type, reason } = reasonOf(typeof body === "object" && body !== null ? body.error : body);
    const cause = new OpenSearchFailure(name, `${status} ${type ?? ""} ${reason}`.trim(), status, type);
    const detail = `HTTP ${status}${type ? ` ${type}` : ""}: ${reason}`;
    if (isRetryableStatus(status))
      return new BackendUnavailableError(backend, `${what} failed with ${detail}`, cause);
    const hint = hintFor(status, type, reason);
    return new BackendError(
      backend,
      operation,
      `${detail}${where.index ? ` on index ${where.index}` : ""}${hint ? `; ${hint}` : ""}`,
      {
        id: where.id,
        cause,
      },
    );
  }
  const cause = new OpenSearchFailure(name, message);
  return new BackendError(backend, operation, `${name}: ${message}`, { id: where.id, cause });
}

/** One document a `_bulk` or `_mget` could not handle. */
export interface DocumentFailure {
  readonly id: string;
  readonly index: string | undefined;
  readonly status: number | undefined;
  readonly type: string | undefined;
  readonly reason: string;
}

/**
 * Some documents of a `_bulk` (setMulti, deleteMulti) or `_mget` failed while the request itself succeeded.
 * Every failed id is in `failures` (the message shows the first 10). `retryable` is true when every failure
 * was throttling or a server-side error (429, 5xx): sending those ids again may succeed.
 */
export class OpenSearchBulkError extends BackendError {
  readonly failures: readonly DocumentFailure[];
  override readonly retryable: boolean;
  constructor(backend: string, operation: string, failures: readonly DocumentFailure[], total: number) {
    const shown = failures
      .slice(0, 10)
      .map((f) => `${JSON.stringify(f.id)} (${f.status ?? "?"} ${f.type ?? "error"}: ${f.reason})`)
      .join(", ");
    const more = failures.length > 10 ? `, and ${failures.length - 10} more` : "";
    super(backend, operation, `${failures.length} of ${total} documents failed: ${shown}${more}`, {
      id: failures.length === 1 ? failures[0]!.id : undefined,
    });
    this.failures = failures;
    this.retryable = failures.every((f) => isRetryableStatus(f.status));
  }

  get ids(): string[] {
    return [...new Set(this.failures.map((f) => f.id))];
  }
}
