import { minioEnv } from "../src/index.js";
import { s3Smoke } from "./helpers/s3-smoke.js";

// NODESTORE_S3_MINIO_*: MinIO from `pnpm services up` (the server with a real lifecycle API).
const minio = minioEnv();
s3Smoke("S3 (MinIO) at NODESTORE_S3_MINIO_ENDPOINT", minio);
