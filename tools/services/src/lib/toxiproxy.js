// Toxiproxy, built from its Go module with the machine's Go toolchain and cached as a binary. `up` starts its
// HTTP API on loopback; the proxies themselves are created by whoever needs one (see ../latency-proxy.js).
import { join } from "node:path";
import { HOST, PORTS, TOXIPROXY } from "./config.js";
import { pidService } from "./pid-service.js";
import { isOurs, startDetached, waitFor } from "./proc.js";
import { goInstaller } from "./seaweedfs.js";

const id = "toxiproxy";
const url = `http://${HOST}:${PORTS.toxiproxy}`;

function binPath(ctx) {
  return join(ctx.cache, "toxiproxy", `toxiproxy-server-${TOXIPROXY.version}`);
}

async function health() {
  const res = await fetch(`${url}/proxies`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${url}/proxies answered ${res.status}`);
  await res.json();
  return { version: `Toxiproxy ${TOXIPROXY.version.slice(1)}`, url };
}

const ports = [PORTS.toxiproxy];
const pidTracked = pidService({ id, marker: binPath, ports });

export const toxiproxy = {
  id,
  title: "Toxiproxy (network latency for the S3 bench)",
  ports,
  ...pidTracked,
  health,
  install: goInstaller({
    id,
    module: TOXIPROXY.module,
    version: TOXIPROXY.version,
    binPath,
    binName: "server",
  }),
  async start(ctx) {
    const pid = await startDetached({
      cmd: binPath(ctx),
      args: ["-host", HOST, "-port", String(PORTS.toxiproxy)],
      env: { ...process.env, GOMAXPROCS: "2" },
      cwd: join(ctx.cache, "toxiproxy"),
      logFile: ctx.logFile(id),
      pidFile: ctx.pidFile(id),
    });
    await waitFor(`Toxiproxy API on ${url}`, () => health(), {
      timeoutMs: 30_000,
      alive: () => isOurs(pid, binPath(ctx)),
    });
    return pid;
  },
  env() {
    return { NODESTORE_TOXIPROXY_URL: url };
  },
};
