// Per-service state under $CACHE/state/<id>.json (pid, port, version, the env vars it exports), written by `up`
// and read by `status`, `env` and `down`.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function createContext(cache, { quiet = false } = {}) {
  const ctx = {
    cache,
    logs: join(cache, "logs"),
    runDir: join(cache, "run"),
    stateDir: join(cache, "state"),
    quiet,
    say(msg) {
      if (!quiet) process.stdout.write(`${msg}\n`);
    },
    logFile(id) {
      return join(ctx.logs, `${id}.log`);
    },
    pidFile(id) {
      return join(ctx.runDir, `${id}.pid`);
    },
    readState(id) {
      const p = join(ctx.stateDir, `${id}.json`);
      if (!existsSync(p)) return undefined;
      try {
        return JSON.parse(readFileSync(p, "utf8"));
      } catch {
        return undefined;
      }
    },
    writeState(id, state) {
      mkdirSync(ctx.stateDir, { recursive: true });
      writeFileSync(join(ctx.stateDir, `${id}.json`), `${JSON.stringify(state, null, 2)}\n`);
    },
    clearState(id) {
      rmSync(join(ctx.stateDir, `${id}.json`), { force: true });
    },
  };
  return ctx;
}
