import { MemoryBackend, memoryStoreUrl, type StoreUrlHandler } from "@nodestore/core";
import { CliError, EXIT } from "../exit-codes.js";

/** Which package opens which URL scheme. Backends are optional peers: only installed ones are loaded. */
const PACKAGES: Readonly<Record<string, string>> = {
  postgres: "@nodestore/django-pg",
  postgresql: "@nodestore/django-pg",
  s3: "@nodestore/s3",
  opensearch: "@nodestore/opensearch",
  opensearchs: "@nodestore/opensearch",
  tablestore: "@nodestore/tablestore",
};

export const SCHEMES = ["memory", ...Object.keys(PACKAGES)];

/** The backend packages the CLI knows, in the order `nodestore stores` lists them. */
export const BACKEND_PACKAGES = [...new Set(Object.values(PACKAGES))];

/**
 * Named memory stores (`memory:NAME`) live as long as the process, so several commands run in one process
 * (tests, `runCli` embedded in a script) see the same nodes. `memory:` alone is a new empty store each time.
 */
const namedMemory = new Map<string, MemoryBackend>();

/** `memory:NAME` opens `backend` from now on (tests seed one, e.g. with a clock of their own). */
export function registerMemoryStore(name: string, backend: MemoryBackend): void {
  namedMemory.set(name, backend);
}

const memoryHandler: StoreUrlHandler = {
  ...memoryStoreUrl,
  example: "memory:  (a new empty store)  or  memory:NAME  (one per name, for the life of the process)",
  open(url, env, options) {
    const fresh = memoryStoreUrl.open(url, env, options); // checks the parameters (there are none)
    const name = `${url.host}${url.pathname}`;
    if (name === "") return fresh;
    let backend = namedMemory.get(name);
    if (backend === undefined) {
      backend = new MemoryBackend();
      namedMemory.set(name, backend);
    }
    return backend;
  },
};

/** The `StoreUrlHandler` for a scheme, importing its backend package on first use. */
export async function handlerFor(scheme: string): Promise<StoreUrlHandler> {
  if (scheme === "memory") return memoryHandler;
  const pkg = PACKAGES[scheme];
  if (pkg === undefined) {
    throw new CliError(
      `unknown store scheme "${scheme}:" (known: ${SCHEMES.map((s) => `${s}:`).join(" ")})`,
      EXIT.usage,
    );
  }
  const mod = await importBackend(pkg, scheme);
  if (mod.storeUrl === undefined) {
    throw new CliError(
      `${pkg} is too old for the CLI (no storeUrl export): npm install ${pkg}@latest`,
      EXIT.usage,
    );
  }
  return mod.storeUrl;
}

async function importBackend(pkg: string, scheme: string): Promise<{ storeUrl?: StoreUrlHandler }> {
  try {
    return (await import(pkg)) as { storeUrl?: StoreUrlHandler };
  } catch (error) {
    if (notInstalled(error, pkg)) {
      throw new CliError(
        `"${scheme}:" stores need the ${pkg} package, which is not installed: npm install -g ${pkg} (next to @nodestore/cli)`,
        EXIT.usage,
        "BACKEND_NOT_INSTALLED",
      );
    }
    throw error;
  }
}

function notInstalled(error: unknown, pkg: string): boolean {
  const code = (error as { code?: string }).code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(error).includes(`'${pkg}'`)
  );
}

/** One backend package as `nodestore stores` shows it. */
export interface BackendInfo {
  readonly package: string;
  readonly installed: boolean;
  /** Set when installed: the package's `storeUrl` (absent when the package is too old to have one). */
  readonly schemes?: readonly string[];
  readonly example?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Why it cannot be used (not installed, too old, fails to load). */
  readonly problem?: string;
}

/** Every backend the CLI knows, memory first, loading each installed package. */
export async function listBackends(): Promise<BackendInfo[]> {
  const out: BackendInfo[] = [
    {
      package: "@nodestore/core",
      installed: true,
      schemes: memoryHandler.schemes,
      example: memoryHandler.example,
      parameters: memoryHandler.parameters,
    },
  ];
  for (const pkg of BACKEND_PACKAGES) {
    const scheme = Object.keys(PACKAGES).find((s) => PACKAGES[s] === pkg)!;
    try {
      const mod = await importBackend(pkg, scheme);
      const handler = mod.storeUrl;
      out.push(
        handler === undefined
          ? { package: pkg, installed: true, problem: "too old for the CLI (no storeUrl export)" }
          : {
              package: pkg,
              installed: true,
              schemes: handler.schemes,
              example: handler.example,
              parameters: handler.parameters,
            },
      );
    } catch (error) {
      out.push({
        package: pkg,
        installed: !(error instanceof CliError && error.reason === "BACKEND_NOT_INSTALLED"),
        problem:
          error instanceof CliError && error.reason === "BACKEND_NOT_INSTALLED"
            ? `not installed: npm install -g ${pkg}`
            : `fails to load: ${String((error as Error)?.message ?? error).split("\n", 1)[0]}`,
      });
    }
  }
  return out;
}
