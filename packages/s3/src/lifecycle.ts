import type { LifecycleRule } from "@aws-sdk/client-s3";

/** The rule self-hosted's `install/bootstrap-s3-nodestore.sh` creates. */
export const LIFECYCLE_RULE_ID = "Sentry-Nodestore-Rule";

/** Our rule: whole bucket (empty filter), expire objects `days` after their last write. */
export function nodestoreRule(days: number): LifecycleRule {
  return { ID: LIFECYCLE_RULE_ID, Status: "Enabled", Filter: {}, Expiration: { Days: days } };
}

/** True when the rule applies to every object of the bucket. */
function wholeBucket(rule: LifecycleRule): boolean {
  const filter = rule.Filter;
  const prefix = (rule as { Prefix?: string }).Prefix; // legacy top-level Prefix
  if (prefix !== undefined && prefix !== "") return false;
  if (filter === undefined) return true;
  const f = filter as Record<string, unknown>;
  return Object.entries(f).every(([k, v]) => v === undefined || (k === "Prefix" && v === ""));
}

/** A whole-bucket rule that only expires current objects after some days: what self-hosted's script wrote. */
function isPlainExpiration(rule: LifecycleRule): boolean {
  return (
    wholeBucket(rule) &&
    rule.Expiration?.Days !== undefined &&
    rule.Expiration.Date === undefined &&
    !rule.Transitions?.length &&
    rule.NoncurrentVersionExpiration === undefined &&
    !rule.NoncurrentVersionTransitions?.length &&
    rule.AbortIncompleteMultipartUpload === undefined
  );
}

export interface LifecyclePlan {
  /** The rules to put, or undefined when the bucket already has the right rule. */
  readonly rules: LifecycleRule[] | undefined;
  /** Days of the rule found before, if any. */
  readonly previousDays: number | undefined;
}

/**
 * Sets our rule's Days to `days`, keeping every other rule as it is. Our rule is the one with ID
 * `Sentry-Nodestore-Rule`; failing that, a plain whole-bucket expiration rule (some servers, SeaweedFS among
 * them, do not keep rule IDs), which is then replaced by ours. Nothing is put when that rule is enabled and
 * already has `days` (putting a lifecycle can take long on big SeaweedFS buckets: self-hosted#4257).
 */
export function planLifecycle(existing: readonly LifecycleRule[], days: number): LifecyclePlan {
  let index = existing.findIndex((r) => r.ID === LIFECYCLE_RULE_ID);
  if (index < 0) index = existing.findIndex(isPlainExpiration);
  const current = index < 0 ? undefined : existing[index];
  if (
    current !== undefined &&
    current.Status === "Enabled" &&
    isPlainExpiration(current) &&
    current.Expiration?.Days === days
  ) {
    return { rules: undefined, previousDays: days };
  }
  const rules = [...existing];
  if (index < 0) rules.push(nodestoreRule(days));
  else rules[index] = nodestoreRule(days);
  return { rules, previousDays: current?.Expiration?.Days };
}
