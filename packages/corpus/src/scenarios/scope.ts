/**
 * Scope data shared by error and transaction jobs: user, tags, contexts and the request (through
 * `normalizedRequest`). Events under 5 KB get a lean scope (no device/app/cloud contexts, no headers)
 * so that they can reach the small size class.
 */
import type { Rng } from "../prng.js";
import type { SdkApi } from "../sdk.js";
import { CITIES, LOCALES, PRODUCTS, person, tenant, USER_AGENTS } from "../text.js";

export type Common = {
  user: ReturnType<typeof person>;
  userId: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  locale: string;
};

export function setCommonScope(
  rng: Rng,
  api: SdkApi,
  plan: { transaction: string; runtimeVersion: string; targetBytes: number },
): Common {
  const lean = plan.targetBytes < 5000;
  const { scope } = api;
  const user = person(rng);
  const userId = String(rng.int(1, 2_000_000));
  const city = rng.pick(CITIES);
  const locale = rng.pick(LOCALES);
  const ip = `${rng.pick([81, 91, 145, 185, 203, 213])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;

  if (rng.chance(lean ? 0.4 : 0.85)) {
    const u: Record<string, string> = { id: userId };
    if (rng.chance(0.8)) u.email = user.email;
    if (rng.chance(0.6)) u.username = user.username;
    if (rng.chance(0.7)) u.ip_address = ip;
    if (rng.chance(0.3)) u.name = user.name;
    scope.setUser(u);
  }

  scope.setTransactionName(plan.transaction);
  const tags: Record<string, string> = {
    tenant: tenant(rng),
    region: rng.pick(["eu-west-1", "eu-central-1", "us-east-1", "ap-northeast-1"]),
  };
  if (!lean && rng.chance(0.7)) tags.locale = locale;
  if (rng.chance(0.5)) tags["k8s.pod"] = `api-${rng.hex(10)}-${rng.hex(5)}`;
  if (rng.chance(0.4)) tags["feature.new_checkout"] = String(rng.chance(0.5));
  if (rng.chance(0.3)) tags.customer_tier = rng.pick(["free", "pro", "enterprise"]);
  if (rng.chance(0.25)) tags["shop.name"] = rng.pick(PRODUCTS);
  scope.setTags(tags);

  scope.setContext("runtime", { name: "node", version: plan.runtimeVersion });
  scope.setContext("os", {
    kernel_version: `6.${rng.int(1, 8)}.${rng.int(0, 90)}-${rng.int(1, 40)}-cloud-amd64`,
    name: "Linux",
    version: `6.${rng.int(1, 8)}.${rng.int(0, 90)}`,
  });
  if (lean) {
    scope.setSDKProcessingMetadata({
      normalizedRequest: {
        url: `https://${tags.tenant}.shop.example.com${plan.transaction.split(" ")[1]}`,
        method: plan.transaction.split(" ")[0],
      },
    });
    return { user, userId, headers: {}, cookies: {}, locale };
  }
  scope.setContext("device", {
    boot_time: new Date(Date.UTC(2025, 5, rng.int(1, 28), rng.int(0, 23), rng.int(0, 59))).toISOString(),
    arch: rng.pick(["x64", "x64", "arm64"]),
    memory_size: rng.pick([2, 4, 8, 16]) * 1073741824,
    free_memory: rng.int(100_000_000, 1_500_000_000),
    processor_count: rng.pick([2, 4, 8]),
    cpu_description: rng.pick([
      "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
      "AMD EPYC 7R13 Processor",
      "Neoverse-N1",
    ]),
    processor_frequency: rng.pick([2900, 2650, 3000]),
  });
  scope.setContext("culture", { locale, timezone: city[3] });
  scope.setContext("app", {
    app_start_time: new Date(Date.UTC(2025, 5, rng.int(1, 28), rng.int(0, 23), rng.int(0, 59))).toISOString(),
    app_memory: rng.int(80_000_000, 900_000_000),
  });
  if (rng.chance(0.6)) {
    scope.setContext("cloud_resource", {
      "cloud.provider": "aws",
      "cloud.platform": rng.pick(["aws_ecs", "aws_eks", "aws_ec2"]),
      "cloud.region": tags.region,
      "cloud.availability_zone": `${tags.region}${rng.pick(["a", "b", "c"])}`,
      "cloud.account.id": String(rng.int(100000000000, 999999999999)),
    });
  }
  if (rng.chance(0.35)) {
    scope.setContext("flags", {
      values: ["new-checkout", "search-v2", "dark-mode", "rtl-layout", "fast-refunds"]
        .filter(() => rng.chance(0.6))
        .map((flag) => ({ flag, result: rng.chance(0.5) })),
    });
  }

  const [method, url] = plan.transaction.split(" ") as [string, string];
  const path = url.replace(":id", String(rng.int(1000, 999999)));
  const headers: Record<string, string> = {
    host: `${tags.tenant}.shop.example.com`,
    "user-agent": rng.pick(USER_AGENTS),
    accept: rng.pick(["application/json", "*/*", "application/json, text/plain, */*"]),
    "accept-language": `${locale},${locale.slice(0, 2)};q=0.9,en;q=0.8`,
    "accept-encoding": "gzip, deflate, br",
    "x-request-id": `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    "x-forwarded-for": ip,
    "x-forwarded-proto": "https",
  };
  if (method !== "GET") headers["content-type"] = "application/json";
  if (rng.chance(0.5)) {
    headers["sentry-trace"] = `${rng.hex(32)}-${rng.hex(16)}-1`;
    headers.baggage = `sentry-environment=production,sentry-public_key=${rng.hex(32)},sentry-trace_id=${rng.hex(32)},sentry-sample_rate=1`;
  }
  const cookies: Record<string, string> = {};
  if (rng.chance(0.6)) {
    cookies.sid = rng.hex(32);
    cookies.theme = rng.pick(["dark", "light"]);
    if (rng.chance(0.5)) cookies.locale = locale;
    headers.cookie = Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  }
  const query = rng.chance(0.5)
    ? `page=${rng.int(1, 20)}&per_page=25&sort=${rng.pick(["created_at", "-total", "name"])}`
    : "";
  scope.setSDKProcessingMetadata({
    normalizedRequest: {
      url: `https://${headers.host}${path}${query ? `?${query}` : ""}`,
      method,
      headers,
      query_string: query || undefined,
      cookies: Object.keys(cookies).length ? cookies : undefined,
    },
    ipAddress: ip,
  });
  return { user, userId, headers, cookies, locale };
}
