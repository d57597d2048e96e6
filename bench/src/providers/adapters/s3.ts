import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeNodeData, encodeNodeData, NodeStore } from "@nodestore/core";
import { toJsonl } from "@nodestore/corpus";
import type { EncodedBody } from "@nodestore/s3";
import type { LatencyProxy } from "@nodestore/services";
import { PythonPlugin } from "../python-plugin.js";
import type { ProviderFactory, ProviderInstance } from "../types.js";
import { errorMessage, storageResult } from "../util.js";

interface Target {
  endpoint: string | undefined;
  region: string | undefined;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  bucket: string | undefined;
  kind: string;
  version: string | null;
  source: "user" | "services" | "embedded";
  origin: string;
}

/**
 * getsentry/sentry-nodestore-s3's format (@nodestore/s3) with self-hosted's layout (`bucketPath: "nodestore"`,
 * zstd), in a scratch bucket created and removed by the bench (or, with --s3-bucket, under a prefix of its own
 * in your bucket). Requests are counted by an SDK middleware that runs once per HTTP attempt.
 */
export const s3Provider: ProviderFactory = s3ProviderVariant("s3", null);

/**
 * The same S3, reached through a Toxiproxy proxy that adds a round-trip time (--s3-rtt, default 10 ms): the
 * server "a network away" (AWS S3 from EC2, SeaweedFS on another host), which on a one-machine loopback run
 * only CPU can show. The Python loop and the bare PutObject loop go through the same proxy.
 */
export const s3RttProvider: ProviderFactory = s3ProviderVariant("s3-rtt", "rtt");

function s3ProviderVariant(name: string, network: "rtt" | null): ProviderFactory {
  return {
    name,
    packageName: "@nodestore/s3",
    async setup(ctx) {
      let mod: typeof import("@nodestore/s3");
      let sdk: typeof import("@aws-sdk/client-s3");
      try {
        mod = await import("@nodestore/s3");
        sdk = await import("@aws-sdk/client-s3");
      } catch (error) {
        return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
      }
      const { env } = ctx.options;
      const user = ctx.options.s3 ?? {};
      const userEndpoint = user.endpoint ?? env.NODESTORE_BENCH_S3_ENDPOINT;
      const userBucket = user.bucket ?? env.NODESTORE_BENCH_S3_BUCKET;
      let t: Target;
      if (userEndpoint || userBucket) {
        const accessKeyId = user.accessKeyId ?? env.NODESTORE_BENCH_S3_ACCESS_KEY;
        const secretAccessKey = user.secretAccessKey ?? env.NODESTORE_BENCH_S3_SECRET_KEY;
        t = {
          endpoint: userEndpoint,
          region: user.region ?? env.NODESTORE_BENCH_S3_REGION,
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
          bucket: userBucket,
          kind: user.kind ?? env.NODESTORE_BENCH_S3_KIND ?? (userEndpoint ? "s3-compatible" : "aws"),
          version: null,
          source: "user",
          origin: ctx.options.s3 ? "--s3-* flags" : "NODESTORE_BENCH_S3_*",
        };
      } else if (env.NODESTORE_S3_ENDPOINT && env.NODESTORE_S3_ACCESS_KEY && env.NODESTORE_S3_SECRET_KEY) {
        t = {
          endpoint: env.NODESTORE_S3_ENDPOINT,
          region: env.NODESTORE_S3_REGION ?? "us-east-1",
          credentials: {
            accessKeyId: env.NODESTORE_S3_ACCESS_KEY,
            secretAccessKey: env.NODESTORE_S3_SECRET_KEY,
          },
          bucket: undefined,
          kind: env.NODESTORE_S3_KIND ?? "seaweedfs",
          version: null,
          source: "services",
          origin: "NODESTORE_S3_ENDPOINT, pnpm services",
        };
      } else if (env.NODESTORE_S3_EMBEDDED_ENDPOINT) {
        t = {
          endpoint: env.NODESTORE_S3_EMBEDDED_ENDPOINT,
          region: "us-east-1",
          credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
          bucket: undefined,
          kind: "s3rver",
          version: null,
          source: "services",
          origin: "NODESTORE_S3_EMBEDDED_ENDPOINT, pnpm services",
        };
      } else if (ctx.options.embedded) {
        const server = await ctx.embedded.s3();
        t = {
          endpoint: server.endpoint,
          region: server.region,
          credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
          bucket: undefined,
          kind: "s3rver",
          version: server.version,
          source: "embedded",
          origin: server.description,
        };
      } else {
        return {
          skip: "no S3 configured (--s3-endpoint / --s3-bucket, NODESTORE_BENCH_S3_* or `pnpm services up`) and --no-embedded",
        };
      }

      let proxy: LatencyProxy | undefined;
      let upstreamEndpoint: string | undefined;
      let via = "";
      if (network === "rtt") {
        const api = ctx.options.toxiproxy;
        if (!api) {
          return {
            skip: 'no Toxiproxy to add the round trip (`pnpm services up --only toxiproxy`, then eval "$(pnpm -s services env)"; or --toxiproxy URL)',
          };
        }
        if (t.endpoint === undefined) {
          return { skip: "AWS S3 is a network away already: its round trip is in the s3 row" };
        }
        const upstream = new URL(t.endpoint);
        // Toxiproxy forwards TCP: through it, an https endpoint's certificate would not match the proxy's address.
        if (upstream.protocol !== "http:") {
          return { skip: `Toxiproxy forwards plain TCP: ${upstream.host} is https` };
        }
        const { createLatencyProxy } = await import("@nodestore/services");
        proxy = await createLatencyProxy({
          api,
          upstream: `${upstream.hostname}:${upstream.port || 80}`,
          rttMs: ctx.options.s3RttMs,
          name: `nsbench-${ctx.runTag}`,
        });
        via = ` through Toxiproxy at ${proxy.listen} adding ${proxy.rttMs} ms per round trip`;
        upstreamEndpoint = t.endpoint;
        t = { ...t, endpoint: `http://${proxy.listen}` };
      }

      const ownBucket = t.bucket === undefined;
      // s3 and s3-rtt run in the same bench: each its own bucket (or prefix), or one would count and delete the
      // other's objects.
      const tag = network === "rtt" ? `${ctx.runTag}-rtt` : ctx.runTag;
      const bucketName = t.bucket ?? `nsbench-${tag}`;
      const bucketPath = ownBucket ? "nodestore" : `nodestore-bench-${tag}`;
      const prefix = `${bucketPath}/`;
      const backend = new mod.S3Backend({
        bucketName,
        bucketPath,
        ...(t.endpoint === undefined ? {} : { endpoint: t.endpoint }),
        ...(t.region === undefined ? {} : { region: t.region }),
        ...(t.credentials === undefined ? {} : { credentials: t.credentials }),
        createBucket: ownBucket,
        listingCleanup: true,
        // One retry: a benchmark should see a failing server, not hide it behind the SDK's backoff.
        retryAttempts: 1,
      });
      const client = backend.client;
      let requests = 0;
      let serverHeader: string | undefined;
      client.middlewareStack.add(
        (next) => async (args) => {
          requests++;
          try {
            const out = await next(args);
            serverHeader ??= headerOf((out as { response?: unknown }).response, "server");
            return out;
          } catch (error) {
            serverHeader ??= headerOf((error as { $response?: unknown }).$response, "server");
            throw error;
          }
        },
        { step: "finalizeRequest", priority: "low", name: "nodestoreBenchRequestCounter" },
      );

      const listed = async (prefix: string): Promise<Array<{ key: string; size: number }>> => {
        const out: Array<{ key: string; size: number }> = [];
        let after: string | undefined;
        for (;;) {
          const page = await client.send(
            new sdk.ListObjectsV2Command({
              Bucket: bucketName,
              Prefix: prefix,
              MaxKeys: 1000,
              ...(after === undefined ? {} : { StartAfter: after }),
            }),
          );
          for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
          const last = page.Contents?.at(-1)?.Key;
          if (!page.IsTruncated || last === undefined) return out;
          after = last;
        }
      };
      const removeAll = async (prefix: string): Promise<void> => {
        for (;;) {
          const keys = (await listed(prefix)).map((o) => o.key);
          if (keys.length === 0) return;
          for (let i = 0; i < keys.length; i += 1000) {
            await client.send(
              new sdk.DeleteObjectsCommand({
                Bucket: bucketName,
                Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
              }),
            );
          }
        }
      };

      const store = new NodeStore(backend);
      const scratchPrefixes: string[] = [];
      let bucketCreated = false;
      try {
        await store.bootstrap();
        bucketCreated = ownBucket;
        if (!ownBucket) await client.send(new sdk.HeadBucketCommand({ Bucket: bucketName }));
        // Learn the Server header (and check access) before anything is timed.
        await backend.getBytes("0000000000000000000000000000000f");
      } catch (error) {
        if (bucketCreated)
          await client.send(new sdk.DeleteBucketCommand({ Bucket: bucketName })).catch(() => {});
        backend.client.destroy();
        await proxy?.remove().catch(() => {});
        throw error;
      }
      const version = t.version ?? (serverHeader ? `${t.kind} (Server: ${serverHeader})` : t.kind);
      const where = upstreamEndpoint ?? t.endpoint ?? `AWS S3${t.region ? ` ${t.region}` : ""}`;
      const description =
        `${t.source === "embedded" ? t.origin : `${version} at ${where} (from ${t.origin})`}, ` +
        `bucket ${bucketName}${ownBucket ? " (scratch)" : ""}, prefix ${prefix}, zstd, ${t.credentials ? "static keys" : "SDK credential chain"}${via}`;

      const bodies = ctx.corpus.derived("s3-body", (bytes) => mod.encodeBody(bytes, true));
      const putBody = async (id: string, { body, contentEncoding }: EncodedBody): Promise<void> => {
        await client.send(
          new sdk.PutObjectCommand({
            Bucket: bucketName,
            Key: backend.keyFor(id),
            Body: body,
            ...(contentEncoding === undefined ? {} : { ContentEncoding: contentEncoding }),
          }),
        );
      };
      const sequentialNote =
        t.kind === "s3rver"
          ? "sentry-nodestore-s3 reads ids in turn; ours runs 16 GETs in flight. s3rver is one Node process on the same cores as the bench, so parallel GETs barely scale here: judge this target on a real server (SeaweedFS: pnpm services up)"
          : "sentry-nodestore-s3 reads ids in turn; ours runs 16 GETs in flight";
      // The Python plugin itself, when a Python with boto3, zstandard and simplejson is there (the services venv).
      let python: PythonPlugin | undefined;
      let pythonMissing: string | undefined;
      // The events as JSONL for the Python side's set_subkeys (it loads them once).
      const pyDir = await mkdtemp(join(tmpdir(), "nodestore-bench-py-"));
      const corpusPath = join(pyDir, "corpus.jsonl");
      await writeFile(corpusPath, toJsonl(ctx.corpus.events));
      const started = await PythonPlugin.start({
        corpusPath,
        endpoint: t.endpoint,
        region: t.region ?? "us-east-1",
        bucket: bucketName,
        bucketPath,
        accessKeyId: t.credentials?.accessKeyId,
        secretAccessKey: t.credentials?.secretAccessKey,
        ...(ctx.options.env.NODESTORE_PYTHON ? { python: ctx.options.env.NODESTORE_PYTHON } : {}),
      });
      if (started.ok) python = started.session;
      else pythonMissing = started.reason;
      const instance: ProviderInstance = {
        target: {
          kind: t.kind,
          version,
          source: t.source,
          endpoint: t.endpoint ?? null,
          description,
        },
        store,
        backend,
        requests: () => requests,
        ...(pythonMissing === undefined ? {} : { notes: [`no Python plugin baseline: ${pythonMissing}`] }),
        // s3rver reads the whole directory for every object it deletes: when the bench owns the server, it throws
        // the data away at the end instead of deleting object by object.
        keepWrites: t.source === "embedded",
        async scratchStore(name) {
          scratchPrefixes.push(`${bucketPath}-${name}/`);
          return new NodeStore(
            new mod.S3Backend({
              client,
              bucketName,
              bucketPath: `${bucketPath}-${name}`,
              listingCleanup: true,
            }),
          );
        },
        async measureStorage(ids, logicalBytes) {
          const objects = await listed(prefix);
          const stored = objects.reduce((a, o) => a + o.size, 0);
          return storageResult(
            ids.length,
            logicalBytes,
            stored,
            "sum of ListObjectsV2 Size under the prefix (object bodies; keys, headers and object metadata not counted)",
            { objects: objects.length },
          );
        },
        baselines: {
          set: [
            {
              issue: 5,
              id: "bare-s3-put",
              comparisonId: "issue-5-set",
              label: "bare PutObject loop",
              description:
                "bare PutObject of pre-encoded bodies (zstd done beforehand), same client and bucket",
              target: { of: "ratio", op: ">=", value: 0.85 },
              note:
                "nodestore setSubkeys (encode + zstd + PutObject) vs PutObject alone, at equal concurrency" +
                (t.source === "embedded"
                  ? "; s3rver runs on the same cores, so the nodestore side's encoding competes with the server for CPU"
                  : ""),
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
            ...(python
              ? [
                  {
                    issue: 5,
                    id: "python-plugin-set",
                    comparisonId: "issue-5-set-python",
                    label: "the Python plugin's set_subkeys",
                    description: `the Python plugin's set_subkeys in a Python process (simplejson encode, python-zstandard, boto3 ${python.versions.boto3} PutObject), same bucket, same events`,
                    target: null,
                    concurrencies: [1],
                    note: "one call at a time, as one Sentry worker writes; timed from the bench, pipe to the Python process included (well under a millisecond)",
                    write: (id: string, index: number) => python.set(id, index),
                  },
                ]
              : []),
          ],
          getMulti: [
            ...(python
              ? [
                  {
                    issue: 5,
                    id: "python-plugin-getMulti100",
                    comparisonId: "issue-5-getMulti100-python",
                    label: "the Python plugin's get_multi",
                    description: `the Python plugin's get_multi in a Python process: sentry-nodestore-s3 as compat/shim re-implements it (boto3 ${python.versions.boto3}, zstandard ${python.versions.zstandard}, simplejson ${python.versions.simplejson}, Python ${python.versions.python}), one GetObject after another, same bucket`,
                    target: { of: "ratio", op: ">=", value: 10 } as const,
                    note: `${sequentialNote}; timed from the bench, pipe to the Python process included`,
                    read: (ids: readonly string[]) => python.getMulti(ids),
                  },
                ]
              : []),
            {
              issue: 5,
              id: "sdk-loop-getMulti100",
              comparisonId: "issue-5-getMulti100-sdk-loop",
              label: "the same sequential loop on our SDK client",
              description:
                "the Python plugin's algorithm on our client: one GetObject after another (same client, same bucket), body zstd- and JSON-decoded here",
              target: null,
              note: `${sequentialNote}; this baseline leaves boto3's overhead out, so it shows what parallelism alone buys`,
              async read(ids: readonly string[]) {
                let found = 0;
                for (const id of ids) {
                  try {
                    const r = await client.send(
                      new sdk.GetObjectCommand({ Bucket: bucketName, Key: backend.keyFor(id) }),
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
            },
          ],
        },
        cleanupNote:
          "listing cleanup (listingCleanup: true, opt-in; the Python plugin has none: S3 retention is the bucket lifecycle rule)" +
          (t.kind === "s3rver"
            ? "; s3rver answers the DeleteObjects that empties a prefix with a 500 (a race in its directory clean-up), so the SDK's retry adds a request"
            : ""),
        checks: [
          {
            id: "issue-5-deleteMulti-requests",
            issue: 5,
            title: `${name} deleteMulti(${ctx.options.settings.deleteBatch}) requests per call`,
            scenario: `deleteMulti-${ctx.options.settings.deleteBatch}`,
            metric: "requestsPerOp",
            target: { of: "value", op: "<=", value: 2 },
            baselineDescription: "the Python plugin: one DeleteObject per id",
            baselineValue: null,
            note: `Python sends ${ctx.options.settings.deleteBatch} DeleteObject requests for this call (not run)`,
          },
        ],
        async dispose() {
          try {
            if (t.source !== "embedded") {
              for (const p of [prefix, ...scratchPrefixes]) await removeAll(p);
              if (ownBucket) await client.send(new sdk.DeleteBucketCommand({ Bucket: bucketName }));
            }
          } finally {
            python?.close();
            await rm(pyDir, { recursive: true, force: true });
            await store.close();
            await proxy?.remove();
          }
        },
      };
      return instance;
    },
  };
}

function headerOf(response: unknown, name: string): string | undefined {
  const headers = (response as { headers?: Record<string, string> } | undefined)?.headers;
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}
