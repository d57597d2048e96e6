import type { HostPort } from "./hooks.js";

/** A toxic as Toxiproxy takes it (https://github.com/Shopify/toxiproxy#toxics). */
export interface Toxic {
  readonly type: "latency" | "bandwidth" | "slow_close" | "timeout" | "reset_peer" | "slicer" | "limit_data";
  /** "downstream": server to client (the default); "upstream": client to server. */
  readonly stream?: "upstream" | "downstream";
  readonly attributes: Readonly<Record<string, number>>;
  readonly name?: string;
}

/**
 * One Toxiproxy proxy, on a free loopback port, in front of an upstream. Only this proxy is ever changed:
 * Toxiproxy's global `/reset` would touch other users' proxies on a shared server.
 */
export class ToxiproxyProxy {
  #toxics = 0;
  constructor(
    readonly api: string,
    readonly name: string,
    /** Where clients connect. */
    readonly listen: HostPort,
  ) {}

  /** Creates a proxy named `name` listening on 127.0.0.1:<free port> and reads the port back. */
  static async create(api: string, name: string, upstream: HostPort): Promise<ToxiproxyProxy> {
    const created = (await call(api, "POST", "/proxies", {
      name,
      listen: "127.0.0.1:0",
      upstream: `${upstream.host}:${upstream.port}`,
      enabled: true,
    })) as { listen: string };
    const at = created.listen.lastIndexOf(":");
    const port = Number(created.listen.slice(at + 1));
    if (!(port > 0)) throw new Error(`Toxiproxy gave proxy ${name} no port (listen ${created.listen})`);
    return new ToxiproxyProxy(api, name, { host: "127.0.0.1", port });
  }

  /** Adds a toxic to every connection, open or new; returns its name. */
  async addToxic(toxic: Toxic): Promise<string> {
    const name = toxic.name ?? `${toxic.type}-${toxic.stream ?? "downstream"}-${++this.#toxics}`;
    await call(this.api, "POST", `/proxies/${this.name}/toxics`, {
      name,
      type: toxic.type,
      stream: toxic.stream ?? "downstream",
      toxicity: 1,
      attributes: toxic.attributes,
    });
    return name;
  }

  async removeToxic(name: string): Promise<void> {
    await call(this.api, "DELETE", `/proxies/${this.name}/toxics/${name}`);
  }

  /** Removes every toxic of this proxy and enables it: the network is healthy again. */
  async heal(): Promise<void> {
    const toxics = (await call(this.api, "GET", `/proxies/${this.name}/toxics`)) as Array<{ name: string }>;
    for (const t of toxics) await this.removeToxic(t.name);
    await this.setEnabled(true);
  }

  /** Disabled: the port is closed (connections refused) and open connections are cut. */
  async setEnabled(enabled: boolean): Promise<void> {
    await call(this.api, "POST", `/proxies/${this.name}`, { enabled });
  }

  async delete(): Promise<void> {
    await call(this.api, "DELETE", `/proxies/${this.name}`);
  }
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
