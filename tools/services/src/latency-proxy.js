// A TCP proxy with a round-trip time, through the Toxiproxy API that `pnpm services up` runs: the S3 bench
// measures parallel reads against a server "a network away" on a machine where everything is on loopback.
import { randomBytes } from "node:crypto";

/**
 * Creates a Toxiproxy proxy on a free loopback port in front of `upstream` ("host:port") that adds `rttMs` to
 * every round trip: a "latency" toxic of rttMs/2 on each direction. Toxiproxy delays each chunk it forwards by
 * that much, so a body is shifted in time, not slowed down: a request pays the RTT once, as on a real link.
 */
export async function createLatencyProxy({ api, upstream, rttMs, jitterMs = 0, name }) {
  if (!Number.isFinite(rttMs) || rttMs < 0) throw new RangeError(`rttMs must be >= 0, got ${rttMs}`);
  const base = api.replace(/\/+$/, "");
  const proxyName = name ?? `nodestore-${randomBytes(4).toString("hex")}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Toxiproxy ${method} ${path} answered ${res.status}: ${text.trim()}`);
    return text ? JSON.parse(text) : undefined;
  };
  const created = await call("POST", "/proxies", { name: proxyName, listen: "127.0.0.1:0", upstream });
  try {
    const half = rttMs / 2;
    for (const stream of ["upstream", "downstream"]) {
      await call("POST", `/proxies/${proxyName}/toxics`, {
        name: `latency-${stream}`,
        type: "latency",
        stream,
        toxicity: 1,
        attributes: { latency: Math.round(half), jitter: Math.round(jitterMs / 2) },
      });
    }
  } catch (error) {
    await call("DELETE", `/proxies/${proxyName}`).catch(() => {});
    throw error;
  }
  let removed = false;
  return {
    name: proxyName,
    /** "127.0.0.1:port" the proxy listens on. */
    listen: created.listen,
    upstream,
    rttMs: 2 * Math.round(rttMs / 2),
    /** The proxy's toxics as Toxiproxy reports them. */
    toxics: () => call("GET", `/proxies/${proxyName}/toxics`),
    async remove() {
      if (removed) return;
      removed = true;
      await call("DELETE", `/proxies/${proxyName}`);
    },
  };
}
