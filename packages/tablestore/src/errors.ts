import { BackendError, BackendUnavailableError, isNetworkError, type NodestoreError } from "@nodestore/core";

/**
 * Tablestore error codes after which the same call may succeed later (the service's "Retry: Yes" list, plus
 * OTSNotEnoughCapacityUnit and OTSFlowControl, which are throttling). OTSQuotaExhausted is retryable only as
 * "Too frequent table operations." ("Number of tables exceeded the quota." is not).
 */
const RETRYABLE = new Set([
  "OTSServerBusy",
  "OTSTimeout",
  "OTSInternalServerError",
  "OTSPartitionUnavailable",
  "OTSServerUnavailable",
  "OTSRowOperationConflict",
  "OTSTableNotReady",
  "OTSNotEnoughCapacityUnit",
  "OTSTooFrequentReservedThroughputAdjustment",
  "OTSFlowControl",
  "OTSRequestTimeout",
]);

export function isRetryableCode(code: string, message = ""): boolean {
  if (code === "OTSQuotaExhausted") return message.startsWith("Too frequent table operations");
  return RETRYABLE.has(code);
}

/** What the SDK's error says, once taken apart. */
export interface SdkFailure {
  /** HTTP status of the answer, when there was one. */
  readonly status?: number;
  /** The service's error code (e.g. OTSObjectNotExist), when the answer carried one. */
  readonly code?: string;
  readonly message: string;
  readonly requestId?: string;
  /** No usable answer: the connection failed, was cut, or timed out. */
  readonly transport?: "network" | "timeout";
}

/** Raised by the backend itself when a request outlives `requestTimeoutMs`. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
    this.name = "DeadlineExceeded";
  }
}

/**
 * The npm SDK does not parse error bodies: `err.code` is the HTTP status and `err.message` is the protobuf
 * `Error{code, message}` body read as text, followed by " requestId:<id>". The service's codes and messages
 * are ASCII, so the field lengths are one character each and the text decodes exactly.
 */
export function parseSdkError(error: unknown): SdkFailure {
  if (error instanceof DeadlineExceeded) return { message: error.message, transport: "timeout" };
  const e = (error ?? {}) as { code?: unknown; message?: unknown; statusCode?: unknown };
  const text = typeof e.message === "string" ? e.message : String(error);
  if (e.code === "TimeoutError") return { message: text, transport: "timeout" };
  if (e.code === "NetworkingError" || isNetworkError(error)) return { message: text, transport: "network" };
  if (typeof e.code !== "number") {
    const named = { NotModified: 304, BadRequest: 400, Forbidden: 403, NotFound: 404 } as Record<
      string,
      number
    >;
    if (typeof e.code === "string" && e.code in named) return { status: named[e.code], message: text };
    return { message: text };
  }
  const at = text.lastIndexOf(" requestId:");
  const body = at === -1 ? text : text.slice(0, at);
  const requestId = at === -1 ? undefined : text.slice(at + " requestId:".length) || undefined;
  const parsed = parseErrorBody(body);
  return { status: e.code, ...parsed, requestId };
}

/** `Error{ required string code = 1; optional string message = 2; }` from its text rendering. */
function parseErrorBody(body: string): { code?: string; message: string } {
  if (body.charCodeAt(0) === 0x0a) {
    const codeLength = body.charCodeAt(1);
    const code = body.slice(2, 2 + codeLength);
    if (/^OTS\w+$/.test(code)) {
      let rest = body.slice(2 + codeLength);
      if (rest.charCodeAt(0) === 0x12) rest = rest.slice(2);
      return { code, message: rest };
    }
  }
  const code = /\b(OTS[A-Za-z]+)\b/.exec(body)?.[1];
  return { code, message: body.replace(/[\x00-\x1f]/g, " ").trim() };
}

const HINTS: Record<string, string> = {
  OTSObjectNotExist: "create the table with bootstrap() (Sentry: `sentry upgrade --with-nodestore`)",
  OTSAuthFailed: "check the endpoint, instance, accessKeyId and accessKeySecret (and stsToken)",
  OTSNoPermissionAccess: "the credentials lack a RAM permission for this table",
  OTSInvalidPK: "the table's primary key is not [id STRING], the sentry-tablestore layout",
};

/** Where a failure happened, for the message. */
export interface FailureContext {
  readonly operation: string;
  readonly id?: string;
  readonly table: string;
  readonly requestTimeoutMs: number;
}

/**
 * An SDK failure as one of core's typed errors, the original as `cause`: transport failures, timeouts and
 * "try later" codes are `BackendUnavailableError` (retryable); every other answer is a `BackendError` naming
 * the operation, the node, the code and the request id. Messages never contain credentials.
 */
export function toTypedError(backend: string, error: unknown, context: FailureContext): NodestoreError {
  if (error instanceof BackendError || error instanceof BackendUnavailableError) return error;
  const f = parseSdkError(error);
  const what =
    context.id === undefined
      ? context.operation
      : `${context.operation} of node ${JSON.stringify(context.id)}`;
  const where = `table ${JSON.stringify(context.table)}`;
  if (f.transport === "timeout") {
    return new BackendUnavailableError(
      backend,
      `${what} timed out after ${context.requestTimeoutMs} ms (${where}; raise requestTimeoutMs if the service is only slow)`,
      error,
    );
  }
  if (f.transport === "network")
    return new BackendUnavailableError(backend, `${what}: ${f.message} (${where})`, error);
  const request = f.requestId ? `, request ${f.requestId}` : "";
  if (f.code !== undefined) {
    const detail = `${f.code}: ${f.message} (HTTP ${f.status}, ${where}${request})`;
    if (isRetryableCode(f.code, f.message))
      return new BackendUnavailableError(backend, `${what}: ${detail}`, error);
    const hint = HINTS[f.code] ? `; ${HINTS[f.code]}` : "";
    return new BackendError(backend, context.operation, `${detail}${hint}`, { id: context.id, cause: error });
  }
  if (f.status !== undefined) {
    const detail = `HTTP ${f.status} without a Tablestore error (${where}${request}): ${f.message.slice(0, 200)}`;
    if (f.status >= 500 || f.status === 429 || f.status === 408) {
      return new BackendUnavailableError(backend, `${what}: ${detail}`, error);
    }
    return new BackendError(backend, context.operation, detail, { id: context.id, cause: error });
  }
  // The SDK threw while building the request or decoding the answer (e.g. a PlainBuffer checksum mismatch).
  return new BackendError(backend, context.operation, `the Tablestore SDK failed: ${f.message} (${where})`, {
    id: context.id,
    cause: error,
  });
}

/** One row of a batch that the service failed. */
export interface RowFailure {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

/** A typed error carrying the rows of a batch that failed, each with its id and the service's code. */
export type BatchFailureError = NodestoreError & { readonly failures: readonly RowFailure[] };

/**
 * The rows a batch could not read or write, after retries: `BackendUnavailableError` when every failure is a
 * "try later" code, else `BackendError`. The message names up to 10 ids with their codes; `failures` has all.
 */
export function rowFailureError(
  backend: string,
  operation: string,
  failures: readonly RowFailure[],
): BatchFailureError {
  const shown = failures
    .slice(0, 10)
    .map((f) => `${JSON.stringify(f.id)} (${f.code}: ${f.message})`)
    .join(", ");
  const more = failures.length > 10 ? ` and ${failures.length - 10} more` : "";
  const detail = `${failures.length} row(s) failed: ${shown}${more}`;
  const retryable = failures.every((f) => isRetryableCode(f.code, f.message));
  const error = retryable
    ? new BackendUnavailableError(backend, `${operation}: ${detail}`)
    : new BackendError(backend, operation, detail, {
        id: failures.length === 1 ? failures[0]!.id : undefined,
      });
  return Object.assign(error, { failures });
}
