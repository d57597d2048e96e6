// The local Tablestore server (@nodestore/tablestore-server, this workspace): Tablestore's wire protocol in
// memory, for the tablestore backend's tests and the Python plugin's. No emulator of the service exists; this is
// ours (see tools/tablestore-server/README.md for what it covers and what it cannot prove). Detached for
// `pnpm services up`, a temporary child for the programmatic API (../embedded.js); both use tablestoreCommand.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HOST, PORTS, TABLESTORE } from "./config.js";
import { isOurs, portFree, readPid, removeFile, startDetached, stopPid, waitFor } from "./proc.js";

const id = "tablestore";
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve("@nodestore/tablestore-server/package.json"));
const script = join(packageDir, "src", "cli.js");
const endpoint = `http://${HOST}:${PORTS.tablestore}`;
// The marker is the script's path inside its package, not the absolute path: a server started from another
// clone of the repo is still ours.
const MARKER = join("tablestore-server", "src", "cli.js");

export const TABLESTORE_STOP = { signal: "SIGTERM", timeoutMs: 10_000 };

export function tablestoreVersion() {
  return require("@nodestore/tablestore-server/package.json").version;
}

/**
 * `{ cmd, args }` running the server on `host`:`port` (0: a free port, printed as JSON on its first line of
 * output) with the services' instance and credentials. `exitWithStdin`: it exits when its stdin closes.
 */
export function tablestoreCommand({ port, host = HOST, exitWithStdin = false }) {
  return {
    cmd: process.execPath,
    args: [
      script,
      "--port",
      String(port),
      "--host",
      host,
      "--instance",
      TABLESTORE.instance,
      "--access-key-id",
      TABLESTORE.accessKeyId,
      "--access-key-secret",
      TABLESTORE.accessKeySecret,
      ...(exitWithStdin ? ["--exit-with-stdin"] : []),
    ],
  };
}

/** The NODESTORE_TABLESTORE_* variables for a server at `url`. */
export function tablestoreEnv(url) {
  return {
    NODESTORE_TABLESTORE_ENDPOINT: url,
    NODESTORE_TABLESTORE_INSTANCE: TABLESTORE.instance,
    NODESTORE_TABLESTORE_ACCESS_KEY_ID: TABLESTORE.accessKeyId,
    NODESTORE_TABLESTORE_ACCESS_KEY_SECRET: TABLESTORE.accessKeySecret,
  };
}

function running(ctx) {
  const pid = readPid(ctx.pidFile(id));
  return pid && isOurs(pid, MARKER) ? pid : undefined;
}

/** The control endpoint answers as our server. */
export async function tablestoreHealth(url) {
  const res = await fetch(`${url}/_nodestore/info`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url}/_nodestore/info answered ${res.status}`);
  const info = await res.json();
  if (info.server !== "nodestore-tablestore-server")
    throw new Error(`${url} is not the local Tablestore server`);
  return { version: `local Tablestore server ${info.version} (instance ${info.instances.join(", ")})`, url };
}

export const tablestore = {
  id,
  title: "local Tablestore server (wire protocol, in memory)",
  ports: [PORTS.tablestore],
  running,
  health: () => tablestoreHealth(endpoint),
  async install() {
    return { cached: true };
  },
  async start(ctx) {
    const pid = await startDetached({
      ...tablestoreCommand({ port: PORTS.tablestore }),
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`local Tablestore server on ${endpoint}`, () => tablestoreHealth(endpoint), {
      timeoutMs: 30_000,
      intervalMs: 200,
      alive: () => isOurs(pid, MARKER),
    });
    return pid;
  },
  async stop(ctx) {
    const pid = running(ctx);
    removeFile(ctx.pidFile(id));
    return pid ? stopPid(pid, TABLESTORE_STOP) : "not running";
  },
  env() {
    return tablestoreEnv(endpoint);
  },
  async portsFree() {
    return portFree(PORTS.tablestore);
  },
};
