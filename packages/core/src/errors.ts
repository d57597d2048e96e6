/**
 * Typed errors. Each names what failed (node id, backend, layer) and says what to do, so an operator reading
 * a log line can act without reading our source. Messages never include credentials or payloads.
 */

export type NodestoreErrorCode =
  | "INVALID_ID"
  | "INVALID_DATA"
  | "PAYLOAD_TOO_LARGE"
  | "CORRUPT_NODE"
  | "LEGACY_PICKLE_NODE"
  | "BACKEND_UNAVAILABLE"
  | "BACKEND_ERROR"
  | "NOT_SUPPORTED"
  | "INVALID_ARGUMENT";

export class NodestoreError extends Error {
  readonly code: NodestoreErrorCode;
  readonly backend: string | undefined;
  /**
   * True when the same call may succeed later unchanged (the backend was unreachable, timed out or asked to
   * slow down): retry with backoff. False for every error that repeats until something is fixed.
   */
  readonly retryable: boolean;

  constructor(code: NodestoreErrorCode, message: string, options?: { backend?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.backend = options?.backend;
    this.retryable = code === "BACKEND_UNAVAILABLE";
  }
}

/** A call got an argument of the wrong kind, e.g. one string where a list of ids is expected. */
export class InvalidArgumentError extends NodestoreError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** The id is empty, too long for the backend, or has characters the backend cannot store. */
export class InvalidIdError extends NodestoreError {
  readonly id: string;
  constructor(id: string, reason: string, backend?: string) {
    super(
      "INVALID_ID",
      `Invalid node id ${quoteId(id)}${backend ? ` for backend "${backend}"` : ""}: ${reason}`,
      {
        backend,
      },
    );
    this.id = id;
  }
}

/** The value cannot be stored in Sentry's format (main is not an object, bad subkey name, unencodable value). */
export class InvalidDataError extends NodestoreError {
  readonly id: string | undefined;
  constructor(message: string, id?: string) {
    super("INVALID_DATA", id === undefined ? message : `Node ${quoteId(id)}: ${message}`);
    this.id = id;
  }
}

export class PayloadTooLargeError extends NodestoreError {
  readonly id: string;
  readonly size: number;
  readonly limit: number;
  constructor(id: string, size: number, limit: number, backend?: string) {
    super(
      "PAYLOAD_TOO_LARGE",
      `Node ${quoteId(id)} is ${size} bytes, over the ${limit}-byte limit${backend ? ` of backend "${backend}"` : ""}; ` +
        "store less data in it or raise the backend's limit",
      { backend },
    );
    this.id = id;
    this.size = size;
    this.limit = limit;
  }
}

/** Which decoding step failed: the transport encoding, the compression, or the JSON/framing. */
export type CorruptLayer = "base64" | "zlib" | "zstd" | "json" | "framing";

export class CorruptNodeError extends NodestoreError {
  readonly id: string | undefined;
  readonly layer: CorruptLayer;
  /** What failed, without the node and backend (those are in the message and fields). */
  readonly detail: string;
  constructor(
    layer: CorruptLayer,
    detail: string,
    options?: { id?: string; backend?: string; cause?: unknown },
  ) {
    const where = options?.id === undefined ? "Node data" : `Node ${quoteId(options.id)}`;
    const on = options?.backend ? ` in backend "${options.backend}"` : "";
    super("CORRUPT_NODE", `${where}${on} is corrupt at the ${layer} layer: ${detail}`, options);
    this.id = options?.id;
    this.layer = layer;
    this.detail = detail;
  }

  /** The same error naming the node and backend it was read from, and optionally where (e.g. an object key). */
  withContext(id: string, backend?: string, location?: string): CorruptNodeError {
    if (this.id !== undefined && location === undefined) return this;
    return new CorruptNodeError(
      this.layer,
      location === undefined ? this.detail : `${location}: ${this.detail}`,
      {
        id: this.id ?? id,
        backend: backend ?? this.backend,
        cause: this.cause,
      },
    );
  }
}

/**
 * A row written before 2021 by Sentry's Django backend holds a pickled dict, not JSON. Sentry reads it with
 * pickle; we refuse to unpickle and say so (Sentry's own reader returns `{}` on any failure).
 */
export class LegacyPickleNodeError extends NodestoreError {
  readonly id: string;
  constructor(id: string, backend?: string) {
    super(
      "LEGACY_PICKLE_NODE",
      `Node ${quoteId(id)}${backend ? ` in backend "${backend}"` : ""} holds a legacy pickled payload (written before ` +
        "Sentry 21.x); it is older than any retention window: delete it, or read it with Sentry's Python reader",
      { backend },
    );
    this.id = id;
  }
}

/**
 * The backend could not be reached or did not answer in time (connection refused or cut, DNS, timeout,
 * throttling, 5xx). `retryable` is true: the same call may succeed later.
 */
export class BackendUnavailableError extends NodestoreError {
  constructor(backend: string, detail: string, cause?: unknown) {
    super("BACKEND_UNAVAILABLE", `Backend "${backend}" is unavailable: ${detail}`, { backend, cause });
  }
}

/** The backend answered with an error. `id` is set when one node is concerned. */
export class BackendError extends NodestoreError {
  readonly id: string | undefined;
  readonly operation: string;
  constructor(
    backend: string,
    operation: string,
    detail: string,
    options?: { id?: string; cause?: unknown },
  ) {
    const node = options?.id === undefined ? "" : ` for node ${quoteId(options.id)}`;
    super("BACKEND_ERROR", `Backend "${backend}" failed to ${operation}${node}: ${detail}`, {
      backend,
      cause: options?.cause,
    });
    this.id = options?.id;
    this.operation = operation;
  }
}

/** Sentry's `NotImplementedError`: e.g. `cleanup()` on a backend whose retention lives elsewhere. */
export class NotSupportedError extends NodestoreError {
  constructor(backend: string, operation: string, advice: string) {
    super("NOT_SUPPORTED", `Backend "${backend}" does not support ${operation}: ${advice}`, { backend });
  }
}

function quoteId(id: string): string {
  return JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id);
}
