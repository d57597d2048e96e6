// @nodestore/services: test helpers for the services `pnpm services up` runs, and the embedded servers as
// temporary children (startEmbeddedPostgres, startEmbeddedS3), a latency proxy (createLatencyProxy).
export {
  embeddedServers,
  startEmbeddedPostgres,
  startEmbeddedS3,
  startEmbeddedTablestore,
} from "./embedded.js";
export { createLatencyProxy } from "./latency-proxy.js";
export { cacheDir, HOST, PORTS, REF_CLI } from "./lib/config.js";
export { createPythonRef, PythonRefError, pythonRef } from "./python-ref.js";
export { minioEnv, SERVICE_OF_VAR, s3Env, s3rverEnv, serviceEnv, servicesRequired } from "./service-env.js";
export { embeddedTestServers } from "./test-servers.js";
