// Drives compat/ref.py (the Python reference side) from TypeScript tests: "Python writes, we read" and "we
// write, Python reads". Every call spawns `$NODESTORE_PYTHON $NODESTORE_REF_CLI BACKEND OP ...` and parses
// the one JSON document it prints. A non-zero exit rejects with PythonRefError (its message is ref.py's one
// error line).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheDir, REF_CLI } from "./lib/config.js";

export class PythonRefError extends Error {
  constructor(message, details) {
    super(message);
    this.name = "PythonRefError";
    Object.assign(this, details);
  }
}

const toArgs = (opts) => (opts?.args ? [...opts.args] : []);

function subkeysDoc(main, subkeys) {
  const list = Array.isArray(subkeys) ? subkeys : Object.entries(subkeys ?? {});
  return JSON.stringify({ main, subkeys: list });
}

export function createPythonRef({ python, cli, env, timeoutMs = 120_000 } = {}) {
  const pythonPath = () =>
    python ?? process.env.NODESTORE_PYTHON ?? join(cacheDir(), "venv", "bin", "python");
  const cliPath = () => cli ?? process.env.NODESTORE_REF_CLI ?? REF_CLI;

  function exec(args, input) {
    const argv = [cliPath(), ...args];
    return new Promise((resolvePromise, reject) => {
      const child = spawn(pythonPath(), argv, {
        env: { ...process.env, ...env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      const out = [];
      let stderr = "";
      child.stdout.on("data", (d) => out.push(d));
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(new PythonRefError(`ref.py ${args.join(" ")}: ${err.message}`, { args, code: null, stderr }));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(out);
        if (code === 0) {
          resolvePromise({ stdout, stderr });
          return;
        }
        const line = stderr.trim().split("\n").pop() || `exit ${code ?? signal}`;
        reject(new PythonRefError(line, { args, code, signal, stderr, stdout: stdout.toString("utf8") }));
      });
      child.stdin.on("error", () => {});
      child.stdin.end(input ?? "");
    });
  }

  /** Runs `ref.py ...args`; returns the parsed JSON (or the raw text with `{ raw: true }`). */
  async function run(args, { input, raw = false } = {}) {
    const { stdout } = await exec(args, input);
    const text = stdout.toString("utf8");
    if (raw) return text;
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new PythonRefError(
        `ref.py ${args.join(" ")}: output is not strict JSON (NaN/Infinity?): ${err.message}; use run(args, { raw: true })`,
        { args, stdout: text },
      );
    }
  }

  return {
    run,
    python: pythonPath,
    cli: cliPath,
    /** True when the venv python and ref.py exist (what `pnpm services up --only python` installs). */
    available() {
      return existsSync(pythonPath()) && existsSync(cliPath());
    },
    versions() {
      return run(["versions"]);
    },
    /** `set(id, value)` or, with `subkeys`, `set_subkeys(id, {None: value, ...subkeys})`. */
    async put(backend, id, value, opts = {}) {
      if (opts.subkeys) {
        await run([backend, "put", id, "--subkeys", ...toArgs(opts)], {
          input: subkeysDoc(value, opts.subkeys),
        });
      } else {
        await run([backend, "put", id, ...toArgs(opts)], { input: JSON.stringify(value) });
      }
    },
    /** `set(id, <JSON text>)`: for values JSON.stringify cannot express (NaN, big integers, 1.0). */
    async putJson(backend, id, json, opts = {}) {
      await run([backend, "put", id, ...toArgs(opts)], { input: json });
    },
    /** `set_bytes(id, bytes)`: the encoded node bytes as they are. */
    async putBytes(backend, id, bytes, opts = {}) {
      await run([backend, "put", id, "--bytes", "b64", ...toArgs(opts)], {
        input: Buffer.from(bytes).toString("base64"),
      });
    },
    /** `get(id, subkey)`: the decoded value, or null. */
    get(backend, id, opts = {}) {
      const sub = opts.subkey ? ["--subkey", opts.subkey] : [];
      return run([backend, "get", id, ...sub, ...toArgs(opts)]);
    },
    /** `get_bytes(id)`: the decoded-from-storage encoded bytes, or null. */
    async getBytes(backend, id, opts = {}) {
      const r = await run([backend, "get", id, "--bytes", "b64", ...toArgs(opts)]);
      return r === null ? null : new Uint8Array(Buffer.from(r.b64, "base64"));
    },
    getMulti(backend, ids, opts = {}) {
      const sub = opts.subkey ? ["--subkey", opts.subkey] : [];
      return run([backend, "get-multi", ...ids, ...sub, ...toArgs(opts)]);
    },
    async delete(backend, ids, opts = {}) {
      await run([backend, "delete", ...(Array.isArray(ids) ? ids : [ids]), ...toArgs(opts)]);
    },
    /** How the node is stored (S3 object, Django row, OpenSearch hits, Tablestore columns), or null. */
    inspect(backend, id, opts = {}) {
      return run([backend, "inspect", id, ...toArgs(opts)]);
    },
    async bootstrap(backend, opts = {}) {
      await run([backend, "bootstrap", ...toArgs(opts)]);
    },
    /** Sentry's `_encode` plus the compressed forms Sentry stores. */
    async encode(main, subkeys) {
      const r = await run(["codec", "encode"], { input: subkeysDoc(main, subkeys) });
      return {
        encoded: new Uint8Array(Buffer.from(r.encoded_b64, "base64")),
        zlib: new Uint8Array(Buffer.from(r.zlib_b64, "base64")),
        zstd: new Uint8Array(Buffer.from(r.zstd_b64, "base64")),
        djangoData: r.django_data,
      };
    },
    /** Sentry's `_decode(bytes, subkey)` of encoded bytes, a zlib or zstd frame, or a Django `data` string. */
    decode(data, { from = "encoded", subkey } = {}) {
      const input = typeof data === "string" ? data : Buffer.from(data).toString("base64");
      const sub = subkey ? ["--subkey", subkey] : [];
      return run(["codec", "decode", "--from", from, "--in", "b64", ...sub], { input });
    },
  };
}

/** The reference CLI configured from NODESTORE_PYTHON / NODESTORE_REF_CLI (read at each call). */
export const pythonRef = createPythonRef();
