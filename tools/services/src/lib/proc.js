// Process helpers: run a command, start a detached server with a pid file and a log, stop it by its pid (never by
// name), check that a loopback port is free, wait for a condition.
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

/** Polls `probe` until it returns a truthy value; throws with the last error after `timeoutMs`. */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 500, alive } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (alive && !alive()) throw new Error(`${what}: the process exited${last ? ` (${last.message})` : ""}`);
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not ready after ${Math.round(timeoutMs / 1000)}s${last ? ` (${last.message})` : ""}`,
  );
}
