import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";
import { defaultRetryPolicy, type NodestoreError, type RetryPolicy, withRetries } from "@nodestore/core";
import { DeadlineExceeded, type FailureContext, toTypedError } from "./errors.js";
import type { ResolvedTablestoreOptions, TablestoreOptions } from "./options.js";
import { type SdkClient, type SdkOperation, type SdkRequest, TableStore } from "./sdk.js";

/** Keep-alive agent whose new connections fail after `connectTimeoutMs` when not yet connected. */
function agentFor(endpoint: string, maxSockets: number, connectTimeoutMs: number): HttpAgent {
  const Base = endpoint.startsWith("https:") ? HttpsAgent : HttpAgent;
  class TimedAgent extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: node's Agent#createConnection is untyped in @types/node
    override createConnection(options: any, callback: any): Socket {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      const socket = (super.createConnection as any)(options, callback) as Socket;
      const timer = setTimeout(() => {
        socket.destroy(
          Object.assign(new Error(`connect timed out after ${connectTimeoutMs} ms`), { code: "ETIMEDOUT" }),
        );
      }, connectTimeoutMs);
      timer.unref();
      const clear = () => clearTimeout(timer);
      socket.once(endpoint.startsWith("https:") ? "secureConnect" : "connect", clear);
      socket.once("close", clear);
      return socket;
    }
  }
  return new TimedAgent({ keepAlive: true, maxSockets, timeout: 60_000 }) as HttpAgent;
}

/**
 * The SDK client and how every call goes through it: one deadline per request (the SDK only has a socket idle
 * timeout), the answer or failure typed, retries with core's backoff. The SDK's own retries are off
 * (`maxRetries: 0`): they ignore most server errors (the SDK sees an HTTP status, not the code) and would stack
 * up to 20 tries of 3 s under our deadline.
 */
export class TablestoreClient {
  readonly sdk: SdkClient;
  readonly #agent: HttpAgent;
  readonly #options: ResolvedTablestoreOptions;
  readonly #retry: RetryPolicy;
  readonly #backend: string;

  constructor(backend: string, options: TablestoreOptions, resolved: ResolvedTablestoreOptions) {
    this.#backend = backend;
    this.#options = resolved;
    this.#retry = { ...defaultRetryPolicy, retries: resolved.retryAttempts };
    this.#agent = agentFor(resolved.endpoint, resolved.maxSockets, resolved.connectTimeoutMs);
    this.sdk = new TableStore.Client({
      endpoint: resolved.endpoint,
      instancename: resolved.instance,
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.accessKeySecret,
      ...(options.stsToken === undefined ? {} : { stsToken: options.stsToken }),
      maxRetries: 0,
      // The agent bounds sockets and connect time; `timeout` is the SDK's socket idle timeout.
      httpOptions: { timeout: resolved.requestTimeoutMs, agent: this.#agent },
    });
  }

  /** One SDK call within `requestTimeoutMs`, its failure typed (no retry). */
  once<T>(
    op: SdkOperation,
    params: unknown,
    context: Omit<FailureContext, "table" | "requestTimeoutMs">,
    signal?: AbortSignal,
  ): Promise<T> {
    const timeoutMs = this.#options.requestTimeoutMs;
    const full: FailureContext = { ...context, table: this.#options.table, requestTimeoutMs: timeoutMs };
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let settled = false;
      let request: SdkRequest | undefined;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      // The SDK takes no signal: an abort settles the call with the signal's reason and cuts the request.
      const onAbort = () => {
        if (settled) return;
        finish();
        request?.httpRequest?.stream?.destroy();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        if (settled) return;
        finish();
        request?.httpRequest?.stream?.destroy();
        reject(toTypedError(this.#backend, new DeadlineExceeded(timeoutMs), full));
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        request = this.sdk[op](params, (error, data) => {
          if (settled) return;
          finish();
          if (error) reject(toTypedError(this.#backend, error, full));
          else resolve(data as T);
        });
      } catch (error) {
        finish();
        reject(toTypedError(this.#backend, error, full));
      }
    });
  }

  /** `once`, retried on retryable failures (`retryAttempts` times, core's exponential backoff with jitter). */
  call<T>(
    op: SdkOperation,
    params: unknown,
    context: Omit<FailureContext, "table" | "requestTimeoutMs">,
    signal?: AbortSignal,
  ): Promise<T> {
    return withRetries(() => this.once<T>(op, params, context, signal), isRetryable, this.#retry);
  }

  /** Backoff before the next try of a batch's failed rows (attempt 0 = first retry). */
  async backoff(attempt: number): Promise<void> {
    const cap = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** attempt);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
  }

  get retryAttempts(): number {
    return this.#retry.retries;
  }

  close(): void {
    this.#agent.destroy();
  }
}

export function isRetryable(error: unknown): boolean {
  return (error as NodestoreError | undefined)?.retryable === true;
}
