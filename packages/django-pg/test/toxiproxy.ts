import { randomBytes } from "node:crypto";

/** The toxics the fault tests use (https://github.com/Shopify/toxiproxy#toxics). */
export type ToxicType = "timeout" | "reset_peer" | "latency" | "limit_data" | "bandwidth" | "slow_close";

/**
 * One Toxiproxy proxy in front of a server, through the HTTP API `pnpm services up` runs
 * (NODESTORE_TOXIPROXY_URL): faults are added and removed while a client is connected through it.
 */
export class FaultProxy {
  private constructor(
    private readonly api: string,
    readonly name: string,
    /** "127.0.0.1:port" the proxy listens on. */
    readonly listen: string,
  ) {}

  static async create(api: string, upstream: string): Promise<FaultProxy> {
    const name = `nodestore-djpg-${randomBytes(4).toString("hex")}`;
    const created = (await call(api, "POST", "/proxies", {
      name,
      listen: "127.0.0.1:0",
      upstream,
      enabled: true,
    })) as { listen: string };
    return new FaultProxy(api, name, created.listen);
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const u = new URL(url);
    const [host, port] = this.listen.split(":");
    u.hostname = host!;
    u.port = port!;
    return u.toString();
  }

  async addToxic(
    type: ToxicType,
    attributes: Record<string, number>,
    stream: "upstream" | "downstream" = "downstream",
  ): Promise<string> {
    const name = `${type}-${stream}-${randomBytes(3).toString("hex")}`;
    await call(this.api, "POST", `/proxies/${this.name}/toxics`, {
      name,
      type,
      stream,
      toxicity: 1,
      attributes,
    });
    return name;
  }

  async removeToxic(name: string): Promise<void> {
    await call(this.api, "DELETE", `/proxies/${this.name}/toxics/${name}`);
  }

  /** Disabled: new connections are refused and open ones are closed. */
  async setEnabled(enabled: boolean): Promise<void> {
    await call(this.api, "POST", `/proxies/${this.name}`, { enabled });
  }

  async remove(): Promise<void> {
    await call(this.api, "DELETE", `/proxies/${this.name}`).catch((error: unknown) => {
      if (!String(error).includes(" 404")) throw error;
    });
  }
}

/** "host:port" of a postgres:// URL, as Toxiproxy's upstream. */
export function upstreamOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "5432"}`;
}

async function call(api: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${api.replace(/\/+$/, "")}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Toxiproxy ${method} ${path} answered ${res.status}: ${text.trim()}`);
  return text ? JSON.parse(text) : undefined;
}
