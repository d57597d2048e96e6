import { PythonPluginSession } from "../../python-plugin-session.js";

export interface PythonPluginSettings {
  /** Leave out for AWS (boto3's default endpoint for the region). */
  endpoint: string | undefined;
  region: string;
  bucket: string;
  bucketPath: string | null;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  /** The bench's events as JSONL (`toJsonl`), for `set`; without it only `getMulti` works. */
  corpusPath?: string;
  /** The interpreter (default: NODESTORE_PYTHON, the services venv, python3). */
  python?: string;
}

/** sentry-nodestore-s3 (bench/python/s3_plugin.py) in a long-lived Python process. */
export function startS3PythonPlugin(s: PythonPluginSettings) {
  const args = ["--region", s.region, "--bucket", s.bucket];
  if (s.endpoint !== undefined) args.push("--endpoint", s.endpoint);
  if (s.corpusPath !== undefined) args.push("--corpus", s.corpusPath);
  args.push(...(s.bucketPath === null ? ["--no-bucket-path"] : ["--bucket-path", s.bucketPath]));
  // Keys go through the environment, never the command line (visible to every user in `ps`).
  const env: Record<string, string | undefined> = { ...process.env };
  if (s.accessKeyId !== undefined) env.NODESTORE_BENCH_PY_ACCESS_KEY = s.accessKeyId;
  if (s.secretAccessKey !== undefined) env.NODESTORE_BENCH_PY_SECRET_KEY = s.secretAccessKey;
  return PythonPluginSession.start("python/s3_plugin.py", args, env, s.python);
}
