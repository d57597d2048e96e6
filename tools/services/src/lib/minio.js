// MinIO, built from its Go module with the machine's Go toolchain and cached as a binary: the S3 server with a
// real lifecycle API (SeaweedFS 3.39 and s3rver answer NotImplemented), so bucket lifecycle rules are tested
// against a server that applies them.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HOST, MINIO, PORTS } from "./config.js";
import { pidService } from "./pid-service.js";
import { isOurs, startDetached, waitFor } from "./proc.js";
import { ensureBucket, goInstaller, s3Client } from "./seaweedfs.js";

const id = "minio";
const endpoint = `http://${HOST}:${PORTS.minio}`;
const dataDir = (ctx) => join(ctx.cache, "minio", "data");

function binPath(ctx) {
  return join(ctx.cache, "minio", `minio-${MINIO.version.split("-").pop()}`);
}

async function health() {
  const live = await fetch(`${endpoint}/minio/health/live`, { signal: AbortSignal.timeout(5_000) });
  if (!live.ok) throw new Error(`${endpoint}/minio/health/live answered ${live.status}`);
  const client = await s3Client(endpoint, MINIO.accessKey, MINIO.secretKey, MINIO.region);
  try {
    await ensureBucket(client, MINIO.bucket);
  } finally {
    client.destroy();
  }
  const date = MINIO.version.split("-")[1];
  return {
    version: `MinIO (source of ${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)})`,
    url: endpoint,
  };
}

const ports = [PORTS.minio, PORTS.minioConsole];
const pidTracked = pidService({ id, marker: binPath, ports });

export const minio = {
  id,
  title: "MinIO (S3 with lifecycle rules)",
  ports,
  ...pidTracked,
  health,
  install: goInstaller({
    id,
    module: MINIO.module,
    version: MINIO.version,
    binPath,
    binName: "minio",
    note: " (a few minutes on 2 cores)",
  }),
  async start(ctx) {
    mkdirSync(dataDir(ctx), { recursive: true });
    const pid = await startDetached({
      cmd: binPath(ctx),
      args: [
        "server",
        dataDir(ctx),
        "--address",
        `${HOST}:${PORTS.minio}`,
        "--console-address",
        `${HOST}:${PORTS.minioConsole}`,
      ],
      env: {
        ...process.env,
        MINIO_ROOT_USER: MINIO.accessKey,
        MINIO_ROOT_PASSWORD: MINIO.secretKey,
        MINIO_REGION: MINIO.region,
        MINIO_BROWSER: "off",
        MINIO_UPDATE: "off",
        GOMAXPROCS: "2",
      },
      cwd: join(ctx.cache, "minio"),
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`MinIO on ${endpoint}`, () => health(), {
      timeoutMs: 60_000,
      alive: () => isOurs(pid, binPath(ctx)),
    });
    return pid;
  },
  env() {
    return {
      NODESTORE_S3_MINIO_ENDPOINT: endpoint,
      NODESTORE_S3_MINIO_ACCESS_KEY: MINIO.accessKey,
      NODESTORE_S3_MINIO_SECRET_KEY: MINIO.secretKey,
    };
  },
};
