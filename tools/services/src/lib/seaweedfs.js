// SeaweedFS (`weed server -s3`), built from its Go module with the machine's Go toolchain and cached as a binary.
// SeaweedFS's go.mod has `replace` directives in newer versions, so `go install module@version` is not usable:
// `go mod download -json` fetches the module, and `./weed` is built inside a writable copy of it.
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HOST, PORTS, SEAWEEDFS } from "./config.js";
import { pidService } from "./pid-service.js";
import { isOurs, run, startDetached, waitFor, which } from "./proc.js";

const id = "seaweedfs";

function binPath(ctx) {
  return join(ctx.cache, "seaweedfs", `weed-${SEAWEEDFS.release}-${SEAWEEDFS.version.split("-").pop()}`);
}

export function goEnv(ctx) {
  return {
    ...process.env,
    GOMODCACHE: join(ctx.cache, "go", "mod"),
    GOCACHE: join(ctx.cache, "go", "build-cache"),
    GOPATH: join(ctx.cache, "go", "path"),
    GOFLAGS: "-modcacherw -buildvcs=false",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
}

/**
 * A service's `install`: `go install module@version` into a scratch GOBIN under the cache, the binary moved to
 * `binPath(ctx)`; cached once there. For modules without `replace` directives (Toxiproxy, MinIO).
 */
export function goInstaller({ id, module, version, binPath, binName, note = "" }) {
  return async (ctx) => {
    const bin = binPath(ctx);
    if (existsSync(bin)) return { cached: true };
    const gobin = join(ctx.cache, id, "gobin");
    mkdirSync(gobin, { recursive: true });
    ctx.say(`    go install ${module}@${version}${note}`);
    await run(goTool(), ["install", "-p", "2", "-trimpath", "-ldflags", "-s -w", `${module}@${version}`], {
      env: { ...goEnv(ctx), GOBIN: gobin },
      logFile: ctx.logFile(`${id}-build`),
    });
    renameSync(join(gobin, binName), bin);
    return { cached: false };
  };
}

/** The machine's `go`, or a clear error. */
export function goTool() {
  const go = which("go") ?? (existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : undefined);
  if (!go) throw new Error("the Go toolchain (`go`) is needed to build SeaweedFS and Toxiproxy");
  return go;
}

export function s3Client(endpoint, accessKeyId, secretAccessKey, region) {
  return import("@aws-sdk/client-s3").then(({ S3Client }) => {
    return new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 1,
    });
  });
}

/** Creates `bucket` unless it exists; returns the bucket names. */
export async function ensureBucket(client, bucket) {
  const { ListBucketsCommand, CreateBucketCommand } = await import("@aws-sdk/client-s3");
  const list = await client.send(new ListBucketsCommand({}));
  const names = (list.Buckets ?? []).map((b) => b.Name);
  if (!names.includes(bucket)) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return names;
}

const endpoint = `http://${HOST}:${PORTS.s3}`;
const dataDir = (ctx) => join(ctx.cache, "seaweedfs", "data");

async function health(ctx) {
  const client = await s3Client(endpoint, SEAWEEDFS.accessKey, SEAWEEDFS.secretKey, SEAWEEDFS.region);
  try {
    await ensureBucket(client, SEAWEEDFS.bucket);
  } finally {
    client.destroy();
  }
  const v = await run(binPath(ctx), ["version"], { allowFail: true });
  const release = v.stdout.match(/version\s+\S+\s+([\d.]+)/i)?.[1] ?? SEAWEEDFS.release;
  return { version: `SeaweedFS ${release}`, url: endpoint };
}

// weed's graceful HTTP shutdown waits about 30s for idle keep-alive connections; its volumes survive a kill
// (append-only files plus index), so give it 10s.
const ports = [
  PORTS.s3,
  PORTS.weedMaster,
  PORTS.weedMasterGrpc,
  PORTS.weedVolume,
  PORTS.weedVolumeGrpc,
  PORTS.weedFiler,
  PORTS.weedFilerGrpc,
  PORTS.weedS3Grpc,
];
const pidTracked = pidService({ id, marker: binPath, ports });

export const seaweedfs = {
  id,
  title: "SeaweedFS S3 gateway",
  ports,
  ...pidTracked,
  health,
  async install(ctx) {
    const bin = binPath(ctx);
    if (existsSync(bin)) return { cached: true };
    const go = goTool();
    const env = goEnv(ctx);
    const logFile = ctx.logFile(`${id}-build`);
    ctx.say(`    go mod download ${SEAWEEDFS.module}@${SEAWEEDFS.version}`);
    const dl = await run(go, ["mod", "download", "-json", `${SEAWEEDFS.module}@${SEAWEEDFS.version}`], {
      env,
      allowFail: true,
    });
    let info;
    try {
      info = JSON.parse(dl.stdout);
    } catch {
      throw new Error(`go mod download failed: ${(dl.stderr || dl.stdout).trim()}`);
    }
    if (info.Error || !info.Dir) throw new Error(`go mod download: ${info.Error ?? "no Dir"}`);
    const src = join(ctx.cache, "seaweedfs", "src");
    rmSync(src, { recursive: true, force: true });
    mkdirSync(join(ctx.cache, "seaweedfs"), { recursive: true });
    cpSync(info.Dir, src, { recursive: true });
    await run("chmod", ["-R", "u+w", src]);
    ctx.say("    go build -p 2 ./weed (the slow part of a cold run)");
    const tmp = `${bin}.tmp`;
    await run(go, ["build", "-p", "2", "-trimpath", "-ldflags", "-s -w", "-o", tmp, "."], {
      env,
      cwd: join(src, "weed"),
      logFile,
    });
    chmodSync(tmp, 0o755);
    renameSync(tmp, bin);
    rmSync(src, { recursive: true, force: true });
    return { cached: false };
  },
  async start(ctx) {
    const dir = join(ctx.cache, "seaweedfs");
    mkdirSync(dataDir(ctx), { recursive: true });
    // Identities like self-hosted Sentry's bootstrap-s3-nodestore.sh: one admin identity sentry/sentry.
    const s3config = join(dir, "s3.json");
    writeFileSync(
      s3config,
      `${JSON.stringify(
        {
          identities: [
            {
              name: "sentry",
              credentials: [{ accessKey: SEAWEEDFS.accessKey, secretKey: SEAWEEDFS.secretKey }],
              actions: ["Admin", "Read", "List", "Tagging", "Write"],
            },
          ],
        },
        null,
        2,
      )}\n`,
    );
    const pid = await startDetached({
      cmd: binPath(ctx),
      args: [
        "server",
        `-dir=${dataDir(ctx)}`,
        `-ip=${HOST}`,
        `-ip.bind=${HOST}`,
        `-master.port=${PORTS.weedMaster}`,
        `-master.port.grpc=${PORTS.weedMasterGrpc}`,
        // Small volumes, no preallocation: each bucket is a collection that grows several volumes.
        "-master.volumeSizeLimitMB=64",
        "-master.volumePreallocate=false",
        // One master: no peers to wait for, so a short raft election timeout (default 10s) speeds up start.
        "-master.electionTimeout=1s",
        `-volume.port=${PORTS.weedVolume}`,
        `-volume.port.grpc=${PORTS.weedVolumeGrpc}`,
        // Every test bucket is a collection holding several volumes, and the migrate bench writes ~1 GB: 100
        // ran out ("no free volumes left", HTTP 500). Volumes are not preallocated, so a high cap costs nothing.
        "-volume.max=1000",
        // No grace period between leaving the master and stopping (default 10s): fast `down`.
        "-volume.preStopSeconds=0",
        "-filer",
        `-filer.port=${PORTS.weedFiler}`,
        `-filer.port.grpc=${PORTS.weedFilerGrpc}`,
        "-s3",
        `-s3.port=${PORTS.s3}`,
        `-s3.port.grpc=${PORTS.weedS3Grpc}`,
        `-s3.config=${s3config}`,
      ],
      env: { ...process.env, GOMAXPROCS: "2" },
      cwd: dir,
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`SeaweedFS S3 on ${endpoint}`, () => health(ctx), {
      timeoutMs: 90_000,
      intervalMs: 1000,
      alive: () => isOurs(pid, binPath(ctx)),
    });
    return pid;
  },

  env() {
    return {
      NODESTORE_S3_ENDPOINT: endpoint,
      NODESTORE_S3_ACCESS_KEY: SEAWEEDFS.accessKey,
      NODESTORE_S3_SECRET_KEY: SEAWEEDFS.secretKey,
      NODESTORE_S3_REGION: SEAWEEDFS.region,
      NODESTORE_S3_KIND: "seaweedfs",
    };
  },
};
