// The HTTP side: POST /<ApiName> with a protobuf body, authenticated as the service does, answered with a
// protobuf body and the headers the Python SDK requires (x-ots-contentmd5, x-ots-requestid, x-ots-date,
// x-ots-contenttype, and `authorization` signing the response). Errors are the protobuf `Error{code, message}`
// with the service's HTTP status. Paths under /_nodestore/ are the test control endpoints (control.js).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { handleControl } from "./control.js";
import { DEFAULTS } from "./defaults.js";
import { OtsError, otsError, parameterInvalid } from "./errors.js";
import { Faults } from "./faults.js";
import { batchOps } from "./ops-batch.js";
import { rowOps } from "./ops-row.js";
import { tableOps } from "./ops-table.js";
import { decodeRequest, encodeMessage } from "./proto.js";
import { authenticate, contentMd5, responseAuthorization } from "./signing.js";
import { Instance } from "./storage.js";
import { DEFAULT_LIMITS } from "./validate.js";

/** Every operation this server implements, by API name. */
export const OPERATIONS = { ...tableOps, ...rowOps, ...batchOps };

/**
 * @typedef {object} ServerOptions
 * @property {string[]} [instances] instance names served (default ["sentry"], the Python plugin's default)
 * @property {Array<{ accessKeyId: string, accessKeySecret: string, stsToken?: string }>} [credentials]
 * @property {Partial<typeof DEFAULT_LIMITS>} [limits]
 * @property {(line: string) => void} [log] one line per failed request (default: none)
 */

/** The server's state, shared by the protocol and control handlers. */
export function createState(options = {}) {
  const instances = new Map(
    (options.instances ?? [DEFAULTS.instance]).map((name) => [name, new Instance(name)]),
  );
  const keys = new Map(
    (
      options.credentials ?? [
        { accessKeyId: DEFAULTS.accessKeyId, accessKeySecret: DEFAULTS.accessKeySecret },
      ]
    ).map((c) => [c.accessKeyId, { secret: c.accessKeySecret, stsToken: c.stsToken }]),
  );
  return {
    instances,
    keys,
    instanceNames: new Set(instances.keys()),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    faults: new Faults(),
    /** Added to the storage clock (cell timestamps, TTL), never to the signature clock check. */
    clockOffsetMs: 0,
    counters: {
      requests: 0,
      byApi: /** @type {Record<string, number>} */ ({}),
      byStatus: /** @type {Record<string, number>} */ ({}),
      /** "instance/table" → API → authenticated requests naming that table. */
      byTable: /** @type {Record<string, Record<string, number>>} */ ({}),
    },
    log: options.log ?? (() => {}),
  };
}

/** @param {ReturnType<typeof createState>} state */
export function createTablestoreHttpServer(state) {
  const server = createServer((req, res) => {
    handle(state, req, res).catch((error) => {
      state.log(`local tablestore server: ${error?.stack ?? error}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // Longer than any client's idle keep-alive, so a client never reuses a socket the server is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tablesOf(message) {
  if (typeof message.tableName === "string") return [message.tableName];
  if (message.tableMeta?.tableName) return [message.tableMeta.tableName];
  if (Array.isArray(message.tables)) return message.tables.map((t) => t.tableName);
  return [];
}

/** Flips the row checksum (last byte) of a PlainBuffer: both SDK readers must refuse it. */
function corruptRows(bytes) {
  if (bytes.length === 0) return bytes;
  const out = Buffer.from(bytes);
  out[out.length - 1] ^= 0xff;
  return out;
}

async function handle(state, req, res) {
  const url = new URL(req.url ?? "/", "http://local");
  if (url.pathname.startsWith("/_nodestore/")) return handleControl(state, req, res, url);

  const api = url.pathname.replace(/^\/+/, "");
  state.counters.requests++;
  state.counters.byApi[api] = (state.counters.byApi[api] ?? 0) + 1;
  /** @type {{ accessKeyId: string, signingKey: string | Buffer } | undefined} */
  let signer;
  const send = (status, body) => {
    state.counters.byStatus[status] = (state.counters.byStatus[status] ?? 0) + 1;
    const headers = {
      "x-ots-contentmd5": contentMd5(body),
      "x-ots-requestid": requestId(),
      "x-ots-date": new Date().toISOString(),
      "x-ots-contenttype": "protocol buffer",
    };
    if (signer) headers.authorization = responseAuthorization({ api, headers, ...signer });
    res.writeHead(status, { ...headers, "content-length": body.length });
    res.end(body);
  };
  const fail = (error) => {
    if (!(error instanceof OtsError)) {
      state.log(`local tablestore server: ${api}: ${error?.stack ?? error}`);
      error = otsError("OTSInternalServerError");
    } else if (error.status >= 500 || error.code === "OTSAuthFailed") {
      state.log(`local tablestore server: ${api}: ${error.status} ${error.code} ${error.message}`);
    }
    send(error.status, encodeMessage("Error", { code: error.code, message: error.message }));
  };

  const body = await readBody(req, state.limits.maxBodyBytes);
  if (body === undefined) {
    fail(otsError("OTSRequestBodyTooLarge"));
    req.resume();
    return;
  }
  try {
    if (req.method !== "POST") throw otsError("OTSMethodNotAllowed");
    const op = Object.hasOwn(OPERATIONS, api) ? OPERATIONS[api] : undefined;
    if (!op) throw parameterInvalid(`Unsupported operation: '${api}'.`);
    const auth = authenticate({
      api,
      headers: /** @type {Record<string, string>} */ (req.headers),
      body,
      keys: state.keys,
      instances: state.instanceNames,
    });
    signer = { accessKeyId: auth.accessKeyId, signingKey: auth.signingKey };
    const message = decodeRequest(api, body);
    for (const name of tablesOf(message)) {
      const key = `${auth.instance}/${name}`;
      state.counters.byTable[key] ??= {};
      state.counters.byTable[key][api] = (state.counters.byTable[key][api] ?? 0) + 1;
    }

    let corrupt = false;
    const rule = state.faults.take(api, tablesOf(message));
    if (rule) {
      if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs));
      if (rule.drop === "reset") return void req.socket.destroy();
      if (rule.drop === "hang") return void req.socket.setTimeout(0);
      if (rule.http) {
        const text = Buffer.from(rule.http.body ?? "");
        res.writeHead(rule.http.status, {
          "content-type": rule.http.contentType ?? "text/html",
          "content-length": text.length,
        });
        return void res.end(text);
      }
      if (rule.code) throw otsError(rule.code, rule.message, rule.status);
      corrupt = rule.corrupt === true;
    }

    const ctx = {
      api,
      instance: state.instances.get(auth.instance),
      limits: state.limits,
      faults: state.faults,
      now: () => Date.now() + state.clockOffsetMs,
      corrupt: (bytes) => (corrupt ? corruptRows(bytes) : bytes),
    };
    send(200, encodeMessage(`${api}Response`, op(ctx, message)));
  } catch (error) {
    fail(error);
  }
}

/** Request ids shaped like the service's (hex groups). */
function requestId() {
  const h = randomBytes(16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
