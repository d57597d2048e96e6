// The Python reference side: a venv at $CACHE/venv with the libraries Sentry uses and the real plugins from PyPI
// (compat/requirements*.txt), driven through compat/ref.py. Not a server: "healthy" means `ref.py versions` runs.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPAT_DIR, PYTHON_MIN, REF_CLI } from "./config.js";
import { run } from "./proc.js";

const id = "python";
const venv = (ctx) => join(ctx.cache, "venv");
const venvPython = (ctx) => join(venv(ctx), "bin", "python");
const requirementFiles = [join(COMPAT_DIR, "requirements.txt"), join(COMPAT_DIR, "requirements-nodeps.txt")];

function requirementsHash() {
  const h = createHash("sha256");
  for (const f of requirementFiles) h.update(readFileSync(f));
  return h.digest("hex");
}

async function findPython() {
  for (const cand of [process.env.NODESTORE_PYTHON3, "python3", "python3.12", "python3.11", "python3.10"]) {
    if (!cand) continue;
    const r = await run(cand, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
      allowFail: true,
    }).catch(() => undefined);
    if (r?.code !== 0) continue;
    const [major, minor] = r.stdout.trim().split(".").map(Number);
    if (major > PYTHON_MIN[0] || (major === PYTHON_MIN[0] && minor >= PYTHON_MIN[1])) return cand;
  }
  throw new Error(`Python >= ${PYTHON_MIN.join(".")} not found (set NODESTORE_PYTHON3)`);
}

async function health(ctx) {
  const r = await run(venvPython(ctx), [REF_CLI, "versions"]);
  const v = JSON.parse(r.stdout);
  return {
    version: `Python ${v.python}, sentry-opensearch-nodestore ${v["sentry-opensearch-nodestore"]}, sentry-tablestore ${v["sentry-tablestore"]}`,
    versions: v,
  };
}

export const python = {
  id,
  title: "Python reference (venv + plugins)",
  ports: [],
  process: false,
  health,
  running(ctx) {
    const marker = join(venv(ctx), ".nodestore-requirements");
    return existsSync(venvPython(ctx)) &&
      existsSync(marker) &&
      readFileSync(marker, "utf8").trim() === requirementsHash()
      ? 1
      : undefined;
  },
  async install(ctx) {
    const marker = join(venv(ctx), ".nodestore-requirements");
    const hash = requirementsHash();
    if (existsSync(venvPython(ctx)) && existsSync(marker) && readFileSync(marker, "utf8").trim() === hash) {
      return { cached: true };
    }
    const logFile = ctx.logFile(`${id}-install`);
    if (!existsSync(venvPython(ctx))) {
      const py = await findPython();
      rmSync(venv(ctx), { recursive: true, force: true });
      ctx.say(`    ${py} -m venv ${venv(ctx)}`);
      await run(py, ["-m", "venv", venv(ctx)], { logFile });
    }
    const pip = [venvPython(ctx), "-m", "pip", "install", "--disable-pip-version-check", "--no-input"];
    ctx.say("    pip install -r compat/requirements.txt");
    await run(pip[0], [...pip.slice(1), "-r", requirementFiles[0]], { logFile });
    ctx.say("    pip install --no-deps -r compat/requirements-nodeps.txt");
    await run(pip[0], [...pip.slice(1), "--no-deps", "-r", requirementFiles[1]], { logFile });
    writeFileSync(marker, `${hash}\n`);
    return { cached: false };
  },
  async start() {
    return undefined;
  },
  async stop() {
    return "not a server";
  },
  env(ctx) {
    return { NODESTORE_PYTHON: venvPython(ctx), NODESTORE_REF_CLI: REF_CLI };
  },
  async portsFree() {
    return true;
  },
};
