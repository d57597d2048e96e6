/**
 * Issue #5's baselines for s3: the same writes and reads without the nodestore layer (a bare PutObject loop, a
 * PutObject with the encoding inline, the plugin's sequential GET loop on our client) and the Python plugin itself
 * (its get_multi and set_subkeys, when a Python with boto3 is there). Same client, bucket and proxy as the store.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNodeData, encodeNodeData } from "@nodestore/core";
import { toJsonl } from "@nodestore/corpus";
import type { EncodedBody } from "@nodestore/s3";
import type { PythonPluginSession } from "../../python-plugin-session.js";
import type { Baselines, ReadBaseline, SetupContext, WriteBaseline } from "../../types.js";
import type { BenchBucket, S3Modules } from "./bucket.js";
import { startS3PythonPlugin } from "./python-plugin.js";
import type { S3Target } from "./target.js";

interface BaselineContext {
  ctx: SetupContext;
  mods: S3Modules;
  bucket: BenchBucket;
  target: S3Target;
  python: PythonPluginSession | undefined;
}

export function s3Baselines(b: BaselineContext): Baselines {
  return { set: writeBaselines(b), getMulti: readBaselines(b) };
}

/**
 * The Python plugin on the same bucket, fed the bench's events (as JSONL in a temporary directory, loaded once
 * for set_subkeys). `missing`: why there is no Python plugin baseline (no Python with boto3, zstandard, simplejson).
 */
export async function startPythonPlugin(
  ctx: SetupContext,
  bucket: BenchBucket,
  t: S3Target,
): Promise<{ python: PythonPluginSession | undefined; missing: string | undefined; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "nodestore-bench-py-"));
  const corpusPath = join(dir, "corpus.jsonl");
  await writeFile(corpusPath, toJsonl(ctx.corpus.events));
  const started = await startS3PythonPlugin({
    corpusPath,
    endpoint: t.endpoint,
    region: t.region ?? "us-east-1",
    bucket: bucket.bucketName,
    bucketPath: bucket.bucketPath,
    accessKeyId: t.credentials?.accessKeyId,
    secretAccessKey: t.credentials?.secretAccessKey,
    ...(ctx.options.env.NODESTORE_PYTHON ? { python: ctx.options.env.NODESTORE_PYTHON } : {}),
  });
  const python = started.ok ? started.session : undefined;
  return {
    python,
    missing: started.ok ? undefined : started.reason,
    async close() {
      python?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function writeBaselines({ ctx, mods, bucket, target, python }: BaselineContext): WriteBaseline[] {
  const { mod, sdk } = mods;
  const bodies = ctx.corpus.derived("s3-body", (bytes) => mod.encodeBody(bytes, true));
  const putBody = async (id: string, { body, contentEncoding }: EncodedBody): Promise<void> => {
    await bucket.client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket.bucketName,
        Key: bucket.backend.keyFor(id),
        Body: body,
        ...(contentEncoding === undefined ? {} : { ContentEncoding: contentEncoding }),
      }),
    );
  };
  const sameCores =
    target.source === "embedded"
      ? "; s3rver runs on the same cores, so the nodestore side's encoding competes with the server for CPU"
      : "";
  const baselines: WriteBaseline[] = [
    {
      issue: 5,
      id: "bare-s3-put",
      comparisonId: "issue-5-set",
      label: "bare PutObject loop",
      description: "bare PutObject of pre-encoded bodies (zstd done beforehand), same client and bucket",
      target: { of: "ratio", op: ">=", value: 0.85 },
      note: `nodestore setSubkeys (encode + zstd + PutObject) vs PutObject alone, at equal concurrency${sameCores}`,
      write: (id, index) => putBody(id, bodies[index]!),
    },
    {
      issue: 5,
      id: "inline-codec-s3-put",
      comparisonId: "issue-5-set-inline-codec",
      label: "PutObject with the encoding done inline",
      description:
        "bare PutObject whose body is encoded and zstd-compressed in the loop (encodeNodeData + encodeBody), same client and bucket",
      target: null,
      note: "the same work as setSubkeys without the store and backend layers: the difference is their overhead, and the gap to the bare PutObject loop is the codec's CPU",
      write: (id, index) => {
        const e = ctx.corpus.events[index]!;
        return putBody(id, mod.encodeBody(encodeNodeData(e.main, e.subkeys), true));
      },
    },
  ];
  if (python) {
    baselines.push({
      issue: 5,
      id: "python-plugin-set",
      comparisonId: "issue-5-set-python",
      label: "the Python plugin's set_subkeys",
      description: `the Python plugin's set_subkeys in a Python process (simplejson encode, python-zstandard, boto3 ${python.versions.boto3} PutObject), same bucket, same events`,
      target: null,
      concurrencies: [1],
      note: "one call at a time, as one Sentry worker writes; timed from the bench, pipe to the Python process included (well under a millisecond)",
      write: (id, index) => python.set(id, index),
    });
  }
  return baselines;
}

function readBaselines({ mods, bucket, target, python }: BaselineContext): ReadBaseline[] {
  const { mod, sdk } = mods;
  const sequentialNote =
    target.kind === "s3rver"
      ? "sentry-nodestore-s3 reads ids in turn; ours runs 16 GETs in flight. s3rver is one Node process on the same cores as the bench, so parallel GETs barely scale here: judge this target on a real server (SeaweedFS: pnpm services up)"
      : "sentry-nodestore-s3 reads ids in turn; ours runs 16 GETs in flight";
  const baselines: ReadBaseline[] = [];
  if (python) {
    const v = python.versions;
    baselines.push({
      issue: 5,
      id: "python-plugin-getMulti100",
      comparisonId: "issue-5-getMulti100-python",
      label: "the Python plugin's get_multi",
      description: `the Python plugin's get_multi in a Python process: sentry-nodestore-s3 as compat/shim re-implements it (boto3 ${v.boto3}, zstandard ${v.zstandard}, simplejson ${v.simplejson}, Python ${v.python}), one GetObject after another, same bucket`,
      target: { of: "ratio", op: ">=", value: 10 },
      note: `${sequentialNote}; timed from the bench, pipe to the Python process included`,
      read: (ids) => python.getMulti(ids),
    });
  }
  baselines.push({
    issue: 5,
    id: "sdk-loop-getMulti100",
    comparisonId: "issue-5-getMulti100-sdk-loop",
    label: "the same sequential loop on our SDK client",
    description:
      "the Python plugin's algorithm on our client: one GetObject after another (same client, same bucket), body zstd- and JSON-decoded here",
    target: null,
    note: `${sequentialNote}; this baseline leaves boto3's overhead out, so it shows what parallelism alone buys`,
    async read(ids) {
      let found = 0;
      for (const id of ids) {
        try {
          const r = await bucket.client.send(
            new sdk.GetObjectCommand({ Bucket: bucket.bucketName, Key: bucket.backend.keyFor(id) }),
          );
          const raw = r.Body ? await r.Body.transformToByteArray() : new Uint8Array(0);
          decodeNodeData(mod.decodeBody(raw, r.ContentEncoding));
          found++;
        } catch (error) {
          if ((error as { name?: string }).name !== "NoSuchKey") throw error;
        }
      }
      return found;
    },
  });
  return baselines;
}
