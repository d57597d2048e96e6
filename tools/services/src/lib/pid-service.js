// What every detached single-process service shares: it is ours when the pid in its pid file runs our binary
// (never matched by name), it stops by that pid, and its ports must be free before it starts.
import { isOurs, portFree, readPid, removeFile, stopPid } from "./proc.js";

/**
 * `running`, `stop` and `portsFree` for a service `id` whose process command line contains `marker(ctx)` (its
 * binary or data dir), listening on `ports`.
 */
export function pidService({ id, marker, ports, stopSignal = "SIGTERM", stopTimeoutMs = 10_000 }) {
  const running = (ctx) => {
    const pid = readPid(ctx.pidFile(id));
    return pid && isOurs(pid, marker(ctx)) ? pid : undefined;
  };
  return {
    running,
    async stop(ctx) {
      const pid = running(ctx);
      removeFile(ctx.pidFile(id));
      return pid ? stopPid(pid, { signal: stopSignal, timeoutMs: stopTimeoutMs }) : "not running";
    },
    async portsFree() {
      for (const p of ports) if (!(await portFree(p))) return false;
      return true;
    },
  };
}
