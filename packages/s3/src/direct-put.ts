/**
 * PutObject without the AWS SDK's per-request pipeline (middleware resolution, endpoint rules, serde, user
 * agent): a SigV4-signed PUT sent by the client's own request handler. Measured on SeaweedFS (bench
 * `src/benchmarks/migrate/put-paths.ts`): 0.35 ms of client CPU per PUT instead of 0.8–1.2 ms, which is what
 * limits `nodestore migrate` and ingestion when the server is near.
 *
 * Only the sending is ours. The pieces that decide correctness are the client's: its credentials and region
 * providers (session tokens, refresh), its SigV4 signer class, its request handler (agents, TLS settings,
 * connect and request timeouts, abort) and its retry strategy (S3RetryStrategy: same schedule and quota), with
 * the SDK's own error classification. Used for custom path-style endpoints (SeaweedFS, MinIO, Ceph, …) only:
 * AWS itself (virtual-hosted buckets, regional and FIPS endpoints) keeps the SDK. `directPut: false` turns it off.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/core/protocols";
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { SignatureV4 } from "@smithy/signature-v4";

export interface DirectPutRequest {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentEncoding?: string;
  readonly signal?: AbortSignal;
}

/** A failed PUT, shaped as the SDK's service errors are (name = S3 error code, `$metadata`): errors.ts reads both. */
export class DirectPutError extends Error {
  readonly Code: string;
  readonly $fault: "client" | "server";
  readonly $metadata: { httpStatusCode: number; requestId?: string; attempts?: number };
  readonly $response: { statusCode: number; headers: Record<string, string> };

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string>,
    requestId?: string,
  ) {
    super(message);
    this.name = code;
    this.Code = code;
    this.$fault = status >= 500 ? "server" : "client";
    this.$metadata = { httpStatusCode: status, ...(requestId === undefined ? {} : { requestId }) };
    this.$response = { statusCode: status, headers };
  }
}

/** What one attempt tells the retry strategy, as the SDK's retry middleware classifies it. */
function errorType(error: unknown): "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR" {
  const e = error as Parameters<typeof isTransientError>[0];
  if (isThrottlingError(e)) return "THROTTLING";
  if (isTransientError(e)) return "TRANSIENT";
  if (isServerError(e)) return "SERVER_ERROR";
  return "CLIENT_ERROR";
}

/** S3's key encoding in a path: every byte but unreserved characters and `/` percent-encoded. */
export function encodeKeyPath(key: string): string {
  return key
    .split("/")
    .map((part) =>
      encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/");
}

const ERROR_BODY_LIMIT = 64 * 1024;

type Handler = {
  handle(
    request: HttpRequest,
    options?: { abortSignal?: AbortSignal },
  ): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: unknown } }>;
};
type RetryStrategy = {
  acquireInitialRetryToken(scope: string): Promise<{ getRetryCount(): number; getRetryDelay(): number }>;
  refreshRetryTokenForRetry(
    token: { getRetryCount(): number; getRetryDelay(): number },
    info: { errorType: string; error?: unknown; retryAfterHint?: Date },
  ): Promise<{ getRetryCount(): number; getRetryDelay(): number }>;
  recordSuccess(token: { getRetryCount(): number; getRetryDelay(): number }): void;
};

export class DirectPut {
  readonly #endpoint: URL;
  readonly #basePath: string;
  readonly #signer: SignatureV4;
  readonly #handler: Handler;
  readonly #retry: () => Promise<RetryStrategy>;

  constructor(client: S3Client, endpoint: string) {
    const config = client.config as unknown as {
      credentials: ConstructorParameters<typeof SignatureV4>[0]["credentials"];
      region: ConstructorParameters<typeof SignatureV4>[0]["region"];
      sha256: ConstructorParameters<typeof SignatureV4>[0]["sha256"];
      requestHandler: Handler;
      retryStrategy: () => Promise<RetryStrategy>;
    };
    this.#endpoint = new URL(endpoint);
    this.#basePath = this.#endpoint.pathname.replace(/\/+$/, "");
    this.#signer = new SignatureV4({
      credentials: config.credentials,
      region: config.region,
      service: "s3",
      sha256: config.sha256,
      uriEscapePath: false, // S3 signs the path as sent, not encoded twice
      applyChecksum: true, // x-amz-content-sha256, which S3 requires
    });
    this.#handler = config.requestHandler;
    this.#retry = config.retryStrategy;
  }

  async put(request: DirectPutRequest): Promise<void> {
    const retry = await this.#retry();
    let token = await retry.acquireInitialRetryToken("s3:PutObject");
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        await this.#once(request);
        retry.recordSuccess(token);
        return;
      } catch (error) {
        if (request.signal?.aborted || (error as Error)?.name === "AbortError") throw error;
        try {
          const hint =
            error instanceof DirectPutError ? getRetryAfterHint(error.$response as never) : undefined;
          token = await retry.refreshRetryTokenForRetry(token, {
            errorType: errorType(error),
            error,
            ...(hint === undefined ? {} : { retryAfterHint: hint }),
          });
        } catch {
          if (error instanceof DirectPutError) error.$metadata.attempts = attempts;
          else if (error !== null && typeof error === "object") {
            (error as { $metadata?: { attempts?: number } }).$metadata = { attempts };
          }
          throw error;
        }
        await sleep(token.getRetryDelay(), request.signal);
      }
    }
  }

  async #once({ bucket, key, body, contentEncoding, signal }: DirectPutRequest): Promise<void> {
    const unsigned = new HttpRequest({
      protocol: this.#endpoint.protocol,
      hostname: this.#endpoint.hostname,
      ...(this.#endpoint.port === "" ? {} : { port: Number(this.#endpoint.port) }),
      method: "PUT",
      path: `${this.#basePath}/${encodeKeyPath(bucket)}/${encodeKeyPath(key)}`,
      headers: {
        host: this.#endpoint.host,
        "content-type": "application/octet-stream",
        "content-length": String(body.byteLength),
        ...(contentEncoding === undefined ? {} : { "content-encoding": contentEncoding }),
      },
      body,
    });
    const signed = (await this.#signer.sign(unsigned)) as HttpRequest;
    const { response } = await this.#handler.handle(
      signed,
      signal === undefined ? {} : { abortSignal: signal },
    );
    const stream = response.body as AsyncIterable<Uint8Array> | undefined;
    if (response.statusCode >= 200 && response.statusCode < 300) {
      if (stream !== undefined) for await (const _ of stream); // drain: the socket goes back to the pool
      return;
    }
    throw await readError(response.statusCode, response.headers, stream);
  }
}

async function readError(
  status: number,
  headers: Record<string, string>,
  stream: AsyncIterable<Uint8Array> | undefined,
): Promise<DirectPutError> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (stream !== undefined) {
    for await (const chunk of stream) {
      if (size < ERROR_BODY_LIMIT) chunks.push(Buffer.from(chunk));
      size += chunk.byteLength;
    }
  }
  const xml = Buffer.concat(chunks).toString("utf8");
  const tag = (name: string) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
  const code = tag("Code") ?? (status === 404 ? "NotFound" : `HTTP${status}`);
  const message = decodeXml(tag("Message") ?? `PUT answered HTTP ${status}`);
  return new DirectPutError(status, code, message, headers, tag("RequestId") ?? headers["x-amz-request-id"]);
}

function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e === "lt" ? "<" : e === "gt" ? ">" : e === "amp" ? "&" : e === "quot" ? '"' : "'",
  );
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
