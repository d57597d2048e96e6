import { s3Env } from "../src/index.js";
import { s3Smoke } from "./helpers/s3-smoke.js";

// NODESTORE_S3_*: SeaweedFS from `pnpm services up` (credentials sentry/sentry, region us-east-1), or your own S3.
const s3 = s3Env();
s3Smoke(`S3 (${s3?.kind ?? "seaweedfs"}) at NODESTORE_S3_ENDPOINT`, s3);
