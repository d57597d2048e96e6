// PostgreSQL (initdb, postgres) and OpenSearch refuse to run as root. As root, we run them in a user namespace
// in which our uid is mapped to 65534 (nobody): the program sees a non-root user, while the kernel still checks
// file access as the real root, so the cache dir can stay under /root (mode 0700, not reachable by other users).
// Where user namespaces are not available, we fall back to a real system user (`postgres`, created by
// Debian's postgresql package or by us) and chown the service's directories to it; that needs every parent of
// the cache dir to be reachable by that user (set NODESTORE_CACHE_DIR accordingly).
import { spawnSync } from "node:child_process";
import { which } from "./proc.js";

let cached;

/** How to run a program that refuses root: `{ mode: "self" | "userns" | "user", uid?, gid?, user? }`. */
export function nonRootStrategy() {
  if (cached) return cached;
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    cached = { mode: "self" };
    return cached;
  }
  if (process.env.NODESTORE_NO_USERNS !== "1" && which("unshare")) {
    const r = spawnSync("unshare", ["--user", "--map-user=65534", "--map-group=65534", "--", "true"], {
      stdio: "ignore",
    });
    if (r.status === 0) {
      cached = { mode: "userns" };
      return cached;
    }
  }
  const user = process.env.NODESTORE_SERVICE_USER || "postgres";
  let ids = lookupUser(user);
  if (!ids && user === "postgres") {
    spawnSync("groupadd", ["--system", "postgres"], { stdio: "ignore" });
    spawnSync(
      "useradd",
      ["--system", "-g", "postgres", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", "postgres"],
      {
        stdio: "ignore",
      },
    );
    ids = lookupUser(user);
  }
  if (!ids) throw new Error(`running as root without user namespaces needs a system user "${user}"`);
  cached = { mode: "user", user, ...ids };
  return cached;
}

function lookupUser(user) {
  const uid = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Wraps a command so that it runs as non-root: returns `{ cmd, args, uid?, gid? }` for spawn. */
export function asNonRoot(cmd, args) {
  const s = nonRootStrategy();
  if (s.mode === "userns") {
    return { cmd: "unshare", args: ["--user", "--map-user=65534", "--map-group=65534", "--", cmd, ...args] };
  }
  if (s.mode === "user") return { cmd, args, uid: s.uid, gid: s.gid };
  return { cmd, args };
}

/** In fallback-user mode, hands `dirs` to the service user and checks that it can reach them. */
export function prepareDirsForNonRoot(dirs) {
  const s = nonRootStrategy();
  if (s.mode !== "user") return;
  for (const dir of dirs) {
    spawnSync("chown", ["-R", `${s.uid}:${s.gid}`, dir], { stdio: "ignore" });
    const r = spawnSync("test", ["-w", dir], { uid: s.uid, gid: s.gid });
    if (r.status !== 0) {
      throw new Error(
        `user ${s.user} cannot write ${dir} (a parent directory is not reachable by it); ` +
          "set NODESTORE_CACHE_DIR to a directory under a path other users can traverse",
      );
    }
  }
}
