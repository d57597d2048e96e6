// Process helpers: run a command, start a server detached (with a pid file and a log: `pnpm services up`) or
// attached (a child that dies with this process: the programmatic API's temporary servers), stop it by its pid
// (never by name), check that a loopback port is free or find one, wait for a condition.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Runs a command to completion. Output goes to `logFile` (appended) when given, else it is captured. */
export function run(cmd, args, { env, cwd, logFile, input, allowFail = false, uid, gid } = {}) {
  return new Promise((resolvePromise, reject) => {
    let fd;
    if (logFile) {
      mkdirSync(dirname(logFile), { recursive: true });
      fd = openSync(logFile, "a");
      writeFileSync(fd, `\n$ ${[cmd, ...args].join(" ")}\n`);
    }
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      uid,
      gid,
      stdio: [input === undefined ? "ignore" : "pipe", fd ?? "pipe", fd ?? "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    if (input !== undefined) child.stdin.end(input);
    child.on("error", (err) => {
      if (fd !== undefined) closeSync(fd);
      reject(new Error(`${cmd}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      if (fd !== undefined) closeSync(fd);
      if (code === 0 || allowFail) resolvePromise({ code, stdout, stderr });
      else {
        const tail = (stderr || stdout).trim().split("\n").slice(-5).join(" | ");
        const where = logFile ? ` (log: ${logFile})` : "";
        reject(
          new Error(`${[cmd, ...args].join(" ")} exited ${code ?? signal}${tail ? `: ${tail}` : ""}${where}`),
        );
      }
    });
  });
}

export function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v "${cmd}"`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

export function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return undefined;
  }
}

/** A pid we started is still ours when it is alive and its command line still contains `marker`. */
export function isOurs(pid, marker) {
  if (!isAlive(pid)) return false;
  const cmd = cmdlineOf(pid);
  if (!cmd) return true; // no /proc (not Linux): trust the pid file
  return cmd.join(" ").includes(marker);
}

/**
 * Starts a server detached from this process (own session, stdio to `logFile`), records its pid in `pidFile`, and
 * fails if it exits within the first half second.
 */
export async function startDetached({ cmd, args, env, cwd, logFile, pidFile, uid, gid }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, "a");
  writeFileSync(fd, `\n=== ${new Date().toISOString()} $ ${[cmd, ...args].join(" ")}\n`);
  const child = spawn(cmd, args, {
    env: env ?? process.env,
    cwd,
    uid,
    gid,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  child.on("error", (err) => {
    exited = { error: err.message };
  });
  child.unref();
  await sleep(500);
  if (exited || !child.pid) {
    throw new Error(`${cmd} exited at once (${JSON.stringify(exited)}); see ${logFile}`);
  }
  mkdirSync(dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

/**
 * Attached children not stopped yet, with the directory to remove if this process exits first (then they are
 * SIGKILLed and the directory removed).
 */
const attached = new Map();
let exitHookInstalled = false;

/**
 * Starts a server as a child of this process (same session; SIGKILLed when this process exits, `removeOnExit`
 * then removed). Keeps the last 4 KB of its output. `keepStdin`: stdin stays an open pipe (for servers that exit
 * when it closes). Returns `{ child, pid, output(), exited(), forget() }`, `exited()` being undefined while it
 * runs; `forget()`: nothing left to do on exit (stopped and cleaned up).
 */
export function startAttached({ cmd, args, env, cwd, uid, gid, keepStdin = false, removeOnExit }) {
  const child = spawn(cmd, args, {
    env: env ?? process.env,
    cwd,
    uid,
    gid,
    stdio: [keepStdin ? "pipe" : "ignore", "pipe", "pipe"],
  });
  let out = "";
  let exited;
  const append = (d) => {
    out = (out + d).slice(-4000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  child.on("error", (err) => {
    exited ??= err.message;
  });
  child.on("exit", (code, signal) => {
    exited ??= `exited ${code ?? signal}`;
  });
  attached.set(child, removeOnExit);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of attached.keys()) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
      for (const dir of attached.values()) {
        if (!dir) continue;
        try {
          rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
        } catch {}
      }
    });
  }
  return {
    child,
    pid: child.pid,
    output: () => out,
    exited: () => exited,
    forget: () => attached.delete(child),
  };
}

/** Stops a server started by `startAttached` (as `stopPid`). */
export async function stopAttached(server, options) {
  if (server.exited() !== undefined || !server.pid) return "not running";
  return stopPid(server.pid, options);
}

/** A free port on `host` (the OS picks it; released again before this returns). */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, host }, () => {
      const address = srv.address();
      srv.close(() => resolvePromise(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export function readPid(pidFile) {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops one process we started: `signal`, then SIGKILL after `timeoutMs`. Returns how it ended. */
export async function stopPid(pid, { signal = "SIGTERM", timeoutMs = 20_000 } = {}) {
  if (!isAlive(pid)) return "not running";
  try {
    process.kill(pid, signal);
  } catch {
    return "not running";
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return "stopped";
    await sleep(200);
  }
  try {
    process.kill(pid, "SIGKILL");
  } catch {}
  await sleep(300);
  return "killed";
}

export function removeFile(path) {
  if (existsSync(path)) rmSync(path, { force: true });
}

/** True when nothing listens on 127.0.0.1:port (a listener on 0.0.0.0 also makes the bind fail). */
export function portFree(port, host = "127.0.0.1") {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once("error", () => resolvePromise(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

/**
 * Polls `probe` until it returns a truthy value; throws with the last error after `timeoutMs`, or as soon as
 * `alive()` is false. `detail()` (e.g. the server's last output) is appended to those errors.
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 500, alive, detail } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  const more = () => {
    const d = detail?.()?.trim();
    return d ? `: ${d.slice(-800)}` : "";
  };
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (alive && !alive()) {
      throw new Error(`${what}: the process exited${last ? ` (${last.message})` : ""}${more()}`);
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not ready after ${Math.round(timeoutMs / 1000)}s${last ? ` (${last.message})` : ""}${more()}`,
  );
}
