// s3rver (npm): the embedded S3 for fresh machines. A Node process running s3rver-server.mjs: detached for
// `pnpm services up`, a temporary child for the programmatic API (../embedded.js); both use s3rverCommand and
// S3RVER_STOP.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { HOST, PORTS, S3RVER, SERVICES_SRC } from "./config.js";
import { isOurs, portFree, readPid, removeFile, startDetached, stopPid, waitFor } from "./proc.js";
import { ensureBucket, s3Client } from "./seaweedfs.js";

const id = "s3rver";
const script = join(SERVICES_SRC, "s3rver-server.mjs");
const endpoint = `http://${HOST}:${PORTS.s3rver}`;

/** How s3rver is stopped. */
export const S3RVER_STOP = { signal: "SIGTERM", timeoutMs: 10_000 };

export function s3rverVersion() {
  return createRequire(import.meta.url)("s3rver/package.json").version;
}

/**
 * `{ cmd, args }` running s3rver-server.mjs on `address`:`port` (0: a free port, printed as JSON on its first
 * line of output) with its data in `directory`. `exitWithStdin`: it exits when its stdin closes.
 */
export function s3rverCommand({ port, directory, address = HOST, exitWithStdin = false }) {
  // s3rver signs list continuation tokens with DES, which OpenSSL 3 only offers through its legacy provider:
  // without it every truncated ListObjects page is a 500.
  const legacy = process.allowedNodeEnvironmentFlags.has("--openssl-legacy-provider")
    ? ["--openssl-legacy-provider"]
    : [];
  return {
    cmd: process.execPath,
    args: [
      ...legacy,
      script,
      "--port",
      String(port),
      "--address",
      address,
      "--directory",
      directory,
      ...(exitWithStdin ? ["--exit-with-stdin"] : []),
    ],
  };
}

const dataDir = (ctx) => join(ctx.cache, "s3rver", "data");

// The marker is the data dir (under the cache), not the script path: a server started from another clone of
// the repo is still ours.
function running(ctx) {
  const pid = readPid(ctx.pidFile(id));
  return pid && isOurs(pid, dataDir(ctx)) ? pid : undefined;
}

async function health() {
  const client = await s3Client(endpoint, S3RVER.accessKey, S3RVER.secretKey, S3RVER.region);
  try {
    await ensureBucket(client, S3RVER.bucket);
  } finally {
    client.destroy();
  }
  return { version: `s3rver ${s3rverVersion()}`, url: endpoint };
}

export const s3rver = {
  id,
  title: "s3rver (embedded S3)",
  ports: [PORTS.s3rver],
  running,
  health,
  async install() {
    return { cached: true };
  },
  async start(ctx) {
    const dir = dataDir(ctx);
    mkdirSync(dir, { recursive: true });
    const pid = await startDetached({
      ...s3rverCommand({ port: PORTS.s3rver, directory: dir }),
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`s3rver on ${endpoint}`, () => health(), {
      timeoutMs: 30_000,
      alive: () => isOurs(pid, dir),
    });
    return pid;
  },
  async stop(ctx) {
    const pid = running(ctx);
    removeFile(ctx.pidFile(id));
    return pid ? stopPid(pid, S3RVER_STOP) : "not running";
  },
  env() {
    return { NODESTORE_S3_EMBEDDED_ENDPOINT: endpoint };
  },
  async portsFree() {
    return portFree(PORTS.s3rver);
  },
};
