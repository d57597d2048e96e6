import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadBucketCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
} from "@aws-sdk/client-s3";
import { BackendError, positiveInt } from "@nodestore/core";
import { errorCode, type S3Context, sendTyped, toTypedError } from "./errors.js";
import { planLifecycle } from "./lifecycle.js";

export interface LifecycleChange {
  /** False when the rule already had these Days (nothing was written). */
  readonly changed: boolean;
  readonly previousDays: number | undefined;
  readonly days: number;
}

/** Creates the bucket unless it exists and is ours. */
export async function createBucket(ctx: S3Context): Promise<void> {
  const region = await ctx.client.config.region();
  try {
    await ctx.client.send(
      new CreateBucketCommand({
        Bucket: ctx.bucket,
        ...(region && region !== "us-east-1" && region !== "auto"
          ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
          : {}),
      }),
    );
  } catch (error) {
    const code = errorCode(error);
    if (code === "BucketAlreadyOwnedByYou") return;
    if (code !== "BucketAlreadyExists")
      throw toTypedError(ctx.name, "create bucket", error, { bucket: ctx.bucket });
    // Some servers (SeaweedFS among them) answer this for a bucket of the same account: fine if we can use it.
    try {
      await ctx.client.send(new HeadBucketCommand({ Bucket: ctx.bucket }));
    } catch {
      throw new BackendError(
        ctx.name,
        "create bucket",
        `bucket "${ctx.bucket}" exists and belongs to someone else (or these credentials cannot reach it)`,
        { cause: error },
      );
    }
  }
}

/**
 * Sets Days of the `Sentry-Nodestore-Rule` lifecycle rule (whole bucket), adding it if absent and keeping
 * every other rule; writes nothing when it is already right. Self-hosted's script sets it only when it
 * creates the bucket, so a changed SENTRY_EVENT_RETENTION_DAYS never reached the bucket (self-hosted#4028).
 */
export async function applyLifecycle(ctx: S3Context, days: number): Promise<LifecycleChange> {
  positiveInt(days, "lifecycle days");
  const where = { bucket: ctx.bucket };
  let existing: LifecycleRule[] = [];
  let minSize: string | undefined;
  try {
    const current = await ctx.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: ctx.bucket }));
    existing = current.Rules ?? [];
    minSize = current.TransitionDefaultMinimumObjectSize;
  } catch (error) {
    if (errorCode(error) !== "NoSuchLifecycleConfiguration") {
      throw toTypedError(ctx.name, "read the lifecycle of", error, where);
    }
  }
  const plan = planLifecycle(existing, days);
  if (plan.rules === undefined) return { changed: false, previousDays: plan.previousDays, days };
  await sendTyped(ctx, "set the lifecycle of", where, () =>
    ctx.client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: ctx.bucket,
        LifecycleConfiguration: { Rules: plan.rules },
        ...(minSize === undefined ? {} : { TransitionDefaultMinimumObjectSize: minSize as never }),
      }),
    ),
  );
  return { changed: true, previousDays: plan.previousDays, days };
}
