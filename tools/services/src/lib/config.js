// Versions, ports and credentials of the local test services. One place to change them; docs/services.md and
// docker-compose.yml repeat these values.
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const SERVICES_SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const COMPAT_DIR = join(REPO_ROOT, "compat");
export const REF_CLI = join(COMPAT_DIR, "ref.py");

/** `${NODESTORE_CACHE_DIR:-$HOME/.cache/nodestore}`: outside the repo, so fresh clones reuse builds. */
export function cacheDir() {
  return resolve(process.env.NODESTORE_CACHE_DIR || join(homedir(), ".cache", "nodestore"));
}

export const HOST = "127.0.0.1";

export const PORTS = {
  pg15: 54315,
  pgEmbedded: 54318,
  s3: 8333,
  weedMaster: 19333,
  weedMasterGrpc: 19433,
  weedVolume: 19080,
  weedVolumeGrpc: 19180,
  weedFiler: 19888,
  weedFilerGrpc: 19988,
  weedS3Grpc: 19533,
  opensearchHttp: 19200,
  opensearchTransport: 19300,
  opensearch3Http: 19210,
  opensearch3Transport: 19310,
  s3rver: 14569,
  toxiproxy: 18474,
  minio: 19000,
  minioConsole: 19001,
  tablestore: 18765,
};

export const PG = { user: "postgres", password: "postgres", database: "nodestore" };

/**
 * SeaweedFS from its Go module. The Go module proxy serves only exact versions of this module (its version list
 * and newer pseudo-versions answer 403 here); this pseudo-version is SeaweedFS 3.39 (weed/util/constants.go).
 */
export const SEAWEEDFS = {
  module: "github.com/seaweedfs/seaweedfs",
  version: "v0.0.0-20230109022022-51d4a4b28d0e",
  release: "3.39",
  accessKey: "sentry",
  secretKey: "sentry",
  region: "us-east-1",
  bucket: "nodestore",
};

export const OPENSEARCH = {
  version: "2.19.6",
  artifact: "org.opensearch.distribution.integ-test-zip:opensearch:2.19.6:zip",
  // The integ-test zip ships only transport-netty4. The reindex module (delete_by_query, which
  // sentry-opensearch-nodestore uses for deletes) is assembled from its Maven Central jars.
  reindexClient: "org.opensearch.plugin:reindex-client:2.19.6",
  dependencyPlugin: "org.apache.maven.plugins:maven-dependency-plugin:3.8.1",
  // 1 GB: a real-time get of a 20 MB node (28 MB of base64) holds several copies of it; 512 MB ran out of heap.
  heap: "1g",
};

/**
 * OpenSearch 3.x from Maven Central: its integ-test zip ships every module (reindex included), and it needs a
 * JDK >= 21 (Temurin 25 here: Debian 12 has no OpenJDK 21). 3.8.0 is the newest integ-test zip Maven Central
 * serves (3.9.0's is not published); sentry-opensearch-nodestore's own integration tests use 3.2.
 */
export const OPENSEARCH3 = {
  version: "3.8.0",
  artifact: "org.opensearch.distribution.integ-test-zip:opensearch:3.8.0:zip",
  dependencyPlugin: "org.apache.maven.plugins:maven-dependency-plugin:3.8.1",
  heap: "1g",
};

/**
 * The local Tablestore server (tools/tablestore-server): the instance it serves and the one key pair it accepts.
 * "sentry" is the Python plugin's default instance.
 */
export const TABLESTORE = {
  instance: "sentry",
  accessKeyId: "nodestore",
  accessKeySecret: "nodestore-secret",
};

export const S3RVER = { accessKey: "S3RVER", secretKey: "S3RVER", region: "us-east-1", bucket: "nodestore" };

/** The Python side needs 3.10+ (sentry-opensearch-nodestore uses `str | None` annotations). */
export const PYTHON_MIN = [3, 10];

/**
 * Toxiproxy (Shopify) from its Go module: a TCP proxy whose "latency" toxic delays every chunk, to run the S3
 * bench as if the server were a network away. v2.5.0 is the newest version the Go module proxy lists.
 */
export const TOXIPROXY = {
  module: "github.com/Shopify/toxiproxy/v2/cmd/server",
  version: "v2.5.0",
};

/**
 * MinIO server from its Go module (no replace directives: `go install` works). The Go module proxy lists one
 * pseudo-version of github.com/minio/minio: its source of 2026-02-12. Here for what SeaweedFS 3.39 and s3rver
 * lack: a real bucket lifecycle API.
 */
export const MINIO = {
  module: "github.com/minio/minio",
  version: "v0.0.0-20260212201848-7aac2a2c5b7c",
  accessKey: "nodestore",
  secretKey: "nodestore-secret",
  region: "us-east-1",
  bucket: "nodestore",
};
