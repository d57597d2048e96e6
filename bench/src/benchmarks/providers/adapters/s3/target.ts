/**
 * Which S3 server a variant runs against: the user's (--s3-* or NODESTORE_BENCH_S3_*), the `pnpm services` env
 * (SeaweedFS, then its s3rver), else an s3rver the bench starts. The s3-rtt variant then puts a Toxiproxy proxy
 * adding a round trip in front of it.
 */
import type { LatencyProxy } from "@nodestore/services";
import type { SetupContext } from "../../types.js";

export interface S3Target {
  /** undefined: AWS (the SDK's endpoint for the region). */
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  /** undefined: the SDK's credential chain. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** An existing bucket to work under a prefix of; undefined: a scratch bucket. */
  readonly bucket: string | undefined;
  readonly kind: string;
  readonly version: string | null;
  readonly source: "user" | "services" | "embedded";
  /** Where the settings came from, for the report line (or the embedded server's description). */
  readonly origin: string;
}

type Skip = { skip: string };

export async function s3Target(ctx: SetupContext): Promise<S3Target | Skip> {
  const { env } = ctx.options;
  const user = userTarget(ctx);
  if (user) return user;
  if (env.NODESTORE_S3_ENDPOINT && env.NODESTORE_S3_ACCESS_KEY && env.NODESTORE_S3_SECRET_KEY) {
    return {
      endpoint: env.NODESTORE_S3_ENDPOINT,
      region: env.NODESTORE_S3_REGION ?? "us-east-1",
      credentials: { accessKeyId: env.NODESTORE_S3_ACCESS_KEY, secretAccessKey: env.NODESTORE_S3_SECRET_KEY },
      bucket: undefined,
      kind: env.NODESTORE_S3_KIND ?? "seaweedfs",
      version: null,
      source: "services",
      origin: "NODESTORE_S3_ENDPOINT, pnpm services",
    };
  }
  if (env.NODESTORE_S3_EMBEDDED_ENDPOINT) {
    return {
      endpoint: env.NODESTORE_S3_EMBEDDED_ENDPOINT,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      bucket: undefined,
      kind: "s3rver",
      version: null,
      source: "services",
      origin: "NODESTORE_S3_EMBEDDED_ENDPOINT, pnpm services",
    };
  }
  if (!ctx.options.embedded) {
    return {
      skip: "no S3 configured (--s3-endpoint / --s3-bucket, NODESTORE_BENCH_S3_* or `pnpm services up`) and --no-embedded",
    };
  }
  const server = await ctx.embedded.s3();
  return {
    endpoint: server.endpoint,
    region: server.region,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    bucket: undefined,
    kind: "s3rver",
    version: server.version,
    source: "embedded",
    origin: server.description,
  };
}

/** --s3-* flags, else NODESTORE_BENCH_S3_*; undefined when neither names an endpoint or a bucket. */
function userTarget(ctx: SetupContext): S3Target | undefined {
  const { env } = ctx.options;
  const user = ctx.options.s3 ?? {};
  const endpoint = user.endpoint ?? env.NODESTORE_BENCH_S3_ENDPOINT;
  const bucket = user.bucket ?? env.NODESTORE_BENCH_S3_BUCKET;
  if (!endpoint && !bucket) return undefined;
  const accessKeyId = user.accessKeyId ?? env.NODESTORE_BENCH_S3_ACCESS_KEY;
  const secretAccessKey = user.secretAccessKey ?? env.NODESTORE_BENCH_S3_SECRET_KEY;
  return {
    endpoint,
    region: user.region ?? env.NODESTORE_BENCH_S3_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    bucket,
    kind: user.kind ?? env.NODESTORE_BENCH_S3_KIND ?? (endpoint ? "s3-compatible" : "aws"),
    version: null,
    source: "user",
    origin: ctx.options.s3 ? "--s3-* flags" : "NODESTORE_BENCH_S3_*",
  };
}

export interface ProxiedTarget {
  /** The same target, its endpoint replaced by the proxy's. */
  readonly target: S3Target;
  readonly proxy: LatencyProxy;
  /** The server's own endpoint, for the report line. */
  readonly upstreamEndpoint: string;
  /** Said at the end of the report line. */
  readonly via: string;
}

/**
 * The s3-rtt variant: the target reached through a Toxiproxy proxy that adds --s3-rtt ms per round trip, the
 * server "a network away", which on a one-machine loopback run only CPU can show.
 */
export async function throughLatencyProxy(ctx: SetupContext, t: S3Target): Promise<ProxiedTarget | Skip> {
  const api = ctx.options.toxiproxy;
  if (!api) {
    return {
      skip: 'no Toxiproxy to add the round trip (`pnpm services up --only toxiproxy`, then eval "$(pnpm -s services env)"; or --toxiproxy URL)',
    };
  }
  if (t.endpoint === undefined)
    return { skip: "AWS S3 is a network away already: its round trip is in the s3 row" };
  const upstream = new URL(t.endpoint);
  // Toxiproxy forwards TCP: through it, an https endpoint's certificate would not match the proxy's address.
  if (upstream.protocol !== "http:")
    return { skip: `Toxiproxy forwards plain TCP: ${upstream.host} is https` };
  const { createLatencyProxy } = await import("@nodestore/services");
  const proxy = await createLatencyProxy({
    api,
    upstream: `${upstream.hostname}:${upstream.port || 80}`,
    rttMs: ctx.options.s3RttMs,
    name: `nsbench-${ctx.runTag}`,
  });
  return {
    target: { ...t, endpoint: `http://${proxy.listen}` },
    proxy,
    upstreamEndpoint: t.endpoint,
    via: ` through Toxiproxy at ${proxy.listen} adding ${proxy.rttMs} ms per round trip`,
  };
}
