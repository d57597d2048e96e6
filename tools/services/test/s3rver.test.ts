import { s3rverEnv } from "../src/index.js";
import { s3Smoke } from "./helpers/s3-smoke.js";

// NODESTORE_S3_EMBEDDED_ENDPOINT: s3rver (npm), the embedded S3 for fresh machines (S3RVER/S3RVER).
s3Smoke("S3 (s3rver) at NODESTORE_S3_EMBEDDED_ENDPOINT", s3rverEnv());
