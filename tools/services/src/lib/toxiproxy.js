// Toxiproxy, built from its Go module with the machine's Go toolchain and cached as a binary. `up` starts its
// HTTP API on loopback; the proxies themselves are created by whoever needs one (see ../latency-proxy.js).
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { HOST, PORTS, TOXIPROXY } from "./config.js";
import { isOurs, portFree, readPid, removeFile, run, startDetached, stopPid, waitFor } from "./proc.js";
import { goEnv, goTool } from "./seaweedfs.js";

const id = "toxiproxy";
const url = `http://${HOST}:${PORTS.toxiproxy}`;

function binPath(ctx) {
  return join(ctx.cache, "toxiproxy", `toxiproxy-server-${TOXIPROXY.version}`);
}

function running(ctx) {
  const pid = readPid(ctx.pidFile(id));
  return pid && isOurs(pid, binPath(ctx)) ? pid : undefined;
}

async function health() {
  const res = await fetch(`${url}/proxies`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${url}/proxies answered ${res.status}`);
  await res.json();
  return { version: `Toxiproxy ${TOXIPROXY.version.slice(1)}`, url };
}

export const toxiproxy = {
  id,
  title: "Toxiproxy (network latency for the S3 bench)",
  ports: [PORTS.toxiproxy],
  running,
  health,
  async install(ctx) {
    const bin = binPath(ctx);
    if (existsSync(bin)) return { cached: true };
    const go = goTool();
    const gobin = join(ctx.cache, "toxiproxy", "gobin");
    mkdirSync(gobin, { recursive: true });
    ctx.say(`    go install ${TOXIPROXY.module}@${TOXIPROXY.version}`);
    await run(go, ["install", "-trimpath", "-ldflags", "-s -w", `${TOXIPROXY.module}@${TOXIPROXY.version}`], {
      env: { ...goEnv(ctx), GOBIN: gobin },
      logFile: ctx.logFile(`${id}-build`),
    });
    renameSync(join(gobin, "server"), bin);
    return { cached: false };
  },
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
  async stop(ctx) {
    const pid = running(ctx);
    removeFile(ctx.pidFile(id));
    return pid ? stopPid(pid, { signal: "SIGTERM", timeoutMs: 10_000 }) : "not running";
  },
  env() {
    return { NODESTORE_TOXIPROXY_URL: url };
  },
  async portsFree() {
    return portFree(PORTS.toxiproxy);
  },
};
