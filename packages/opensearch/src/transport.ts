import type { Client } from "@opensearch-project/opensearch";
import { DeadlineExceeded, toTypedError, type Where } from "./errors.js";

/** Where requests go and how long they may take. */
export interface Requester {
  readonly backend: string;
  readonly client: Client;
  readonly requestTimeoutMs: number;
  readonly maintenanceTimeoutMs: number;
}

export interface Request {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "HEAD";
  readonly path: string;
  readonly querystring?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  /** NDJSON, one JSON document per line, ending with a newline (`_bulk`). */
  readonly ndjson?: string;
}

export interface Response<T> {
  readonly statusCode: number;
  readonly body: T;
}

/** Index (or comma-separated indices) as a path segment. */
export const seg = (name: string): string => encodeURIComponent(name).replace(/%2C/gi, ",");

/**
 * One request through the client's transport, bounded in total by `requestTimeoutMs` (or
 * `maintenanceTimeoutMs`): the client's own timeout only watches the time before the response headers, so a
 * body that stalls halfway would otherwise wait forever. Statuses in `ignore` come back as answers, every other
 * failure as a typed error. An aborted `signal` aborts the request and throws its reason.
 */
export async function send<T>(
  r: Requester,
  operation: string,
  where: Where,
  request: Request,
  options: { maintenance?: boolean; ignore?: number[]; signal?: AbortSignal } = {},
): Promise<Response<T>> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const timeout = options.maintenance ? r.maintenanceTimeoutMs : r.requestTimeoutMs;
  const querystring = Object.fromEntries(
    Object.entries(request.querystring ?? {}).filter(([, v]) => v !== undefined),
  );
  let timer: NodeJS.Timeout | undefined;
  let expired = false;
  let onAbort: (() => void) | undefined;
  try {
    const pending = r.client.transport.request(
      {
        method: request.method,
        path: request.path,
        querystring,
        ...(request.ndjson !== undefined ? { bulkBody: request.ndjson } : {}),
        ...(request.body !== undefined ? { body: request.body as Record<string, unknown> } : {}),
      },
      { requestTimeout: timeout, ignore: options.ignore },
    );
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        expired = true;
        pending.abort();
        reject(new DeadlineExceeded(timeout));
      }, timeout);
    });
    const aborted =
      signal === undefined
        ? undefined
        : new Promise<never>((_, reject) => {
            onAbort = () => {
              pending.abort();
              reject(signal.reason);
            };
            signal.addEventListener("abort", onAbort, { once: true });
          });
    const result = await Promise.race(
      aborted === undefined ? [pending, deadline] : [pending, deadline, aborted],
    );
    return { statusCode: result.statusCode ?? 0, body: result.body as T };
  } catch (error) {
    // The caller's abort: its reason, as it gave it.
    if (signal?.aborted) throw signal.reason;
    throw toTypedError(r.backend, operation, expired ? new DeadlineExceeded(timeout) : error, where, timeout);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener("abort", onAbort);
  }
}
