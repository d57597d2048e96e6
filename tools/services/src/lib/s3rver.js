// s3rver (npm): the embedded S3 for fresh machines. A detached Node process running s3rver-server.mjs.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HOST, PORTS, S3RVER, SERVICES_SRC } from "./config.js";
import { isOurs, portFree, readPid, removeFile, startDetached, stopPid, waitFor } from "./proc.js";
import { ensureBucket, s3Client } from "./seaweedfs.js";

const id = "s3rver";
const script = join(SERVICES_SRC, "s3rver-server.mjs");
const endpoint = `http://${HOST}:${PORTS.s3rver}`;

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
  const { createRequire } = await import("node:module");
  const version = createRequire(import.meta.url)("s3rver/package.json").version;
  return { version: `s3rver ${version}`, url: endpoint };
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
      cmd: process.execPath,
      // s3rver signs list continuation tokens with DES, which OpenSSL 3 only offers through its legacy provider:
      // without it every truncated ListObjects page is a 500.
      args: [
        "--openssl-legacy-provider",
        script,
        "--port",
        String(PORTS.s3rver),
        "--address",
        HOST,
        "--directory",
        dir,
      ],
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
    return pid ? stopPid(pid, { signal: "SIGTERM", timeoutMs: 10_000 }) : "not running";
  },
  env() {
    return { NODESTORE_S3_EMBEDDED_ENDPOINT: endpoint };
  },
  async portsFree() {
    return portFree(PORTS.s3rver);
  },
};
