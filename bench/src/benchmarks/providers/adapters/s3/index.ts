/**
 * getsentry/sentry-nodestore-s3's format (@nodestore/s3) with self-hosted's layout, in a scratch bucket created
 * and removed by the bench (or, with --s3-bucket, under a prefix of its own in your bucket). Two variants: `s3`
 * on the server target.ts picks, and `s3-rtt` on the same server through a proxy adding a round trip.
 *
 *   target.ts     which server (user's, services env, embedded s3rver) and the s3-rtt proxy
 *   bucket.ts     the backend on the bench's bucket or prefix, with its request counter and listing
 *   instance.ts   the ProviderInstance: store, storage measurement, scratch namespaces, clean-up
 *   baselines.ts  issue #5's bare-SDK and Python plugin baselines
 */
import type { ProviderFactory } from "../../types.js";
import { errorMessage } from "../../util.js";
import { openBucket, type S3Modules } from "./bucket.js";
import { s3Instance } from "./instance.js";
import { type ProxiedTarget, s3Target, throughLatencyProxy } from "./target.js";

export const s3Provider: ProviderFactory = s3ProviderVariant("s3", null);

/**
 * The same S3, reached through a Toxiproxy proxy that adds a round-trip time (--s3-rtt, default 10 ms): the
 * server "a network away" (AWS S3 from EC2, SeaweedFS on another host). The Python plugin and the bare
 * PutObject loop go through the same proxy.
 */
export const s3RttProvider: ProviderFactory = s3ProviderVariant("s3-rtt", "rtt");

function s3ProviderVariant(name: string, network: "rtt" | null): ProviderFactory {
  return {
    name,
    packageName: "@nodestore/s3",
    async setup(ctx) {
      let mods: S3Modules;
      try {
        mods = { mod: await import("@nodestore/s3"), sdk: await import("@aws-sdk/client-s3") };
      } catch (error) {
        return { skip: `package not built (${errorMessage(error)}): run \`pnpm build\`` };
      }
      const direct = await s3Target(ctx);
      if ("skip" in direct) return direct;
      let proxied: ProxiedTarget | undefined;
      if (network === "rtt") {
        const got = await throughLatencyProxy(ctx, direct);
        if ("skip" in got) return got;
        proxied = got;
      }
      const target = proxied?.target ?? direct;
      // s3 and s3-rtt run in the same bench: each its own bucket (or prefix), or one would count and delete the
      // other's objects.
      const tag = network === "rtt" ? `${ctx.runTag}-rtt` : ctx.runTag;
      let bucket: Awaited<ReturnType<typeof openBucket>>;
      try {
        bucket = await openBucket(mods, target, tag);
      } catch (error) {
        await proxied?.proxy.remove().catch(() => {});
        throw error;
      }
      return s3Instance(ctx, { name, mods, target, bucket, proxied });
    },
  };
}
