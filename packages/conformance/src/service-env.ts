/**
 * How integration tests find their servers: environment variables set by `pnpm services env` (or by a user
 * pointing at their own servers). Missing on a developer machine: skip, with one line saying why. Missing
 * under `NODESTORE_REQUIRE_SERVICES=1` (CI): fail, so a skipped integration suite can never pass as green.
 */
export function serviceEnv<const K extends string>(
  service: string,
  names: readonly K[],
): Record<K, string> | undefined {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length === 0) {
    return Object.fromEntries(names.map((n) => [n, process.env[n]!])) as Record<K, string>;
  }
  const why = `${service}: ${missing.join(", ")} not set (run \`pnpm services up\` then \`eval "$(pnpm -s services env)"\`)`;
  if (process.env.NODESTORE_REQUIRE_SERVICES === "1") {
    throw new Error(`NODESTORE_REQUIRE_SERVICES=1 but ${why}`);
  }
  console.warn(`[skip] ${why}`);
  return undefined;
}
