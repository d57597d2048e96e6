import { randomBytes } from "node:crypto";
import { type Toxic, ToxiproxyProxy } from "@nodestore/conformance";

/**
 * The conformance suite's Toxiproxy client, shaped for these tests: a proxy in front of a PostgreSQL URL,
 * `route()` to reach the server through it, toxics by type.
 */
export class FaultProxy {
  private constructor(private readonly proxy: ToxiproxyProxy) {}

  static async create(api: string, upstream: string): Promise<FaultProxy> {
    const [host, port] = upstream.split(":");
    const name = `nodestore-djpg-${randomBytes(4).toString("hex")}`;
    return new FaultProxy(await ToxiproxyProxy.create(api, name, { host: host!, port: Number(port) }));
  }

  /** `url` with its host and port replaced by the proxy's. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = this.proxy.listen.host;
    u.port = String(this.proxy.listen.port);
    return u.toString();
  }

  addToxic(
    type: Toxic["type"],
    attributes: Record<string, number>,
    stream: "upstream" | "downstream" = "downstream",
  ): Promise<string> {
    return this.proxy.addToxic({ type, attributes, stream });
  }

  removeToxic(name: string): Promise<void> {
    return this.proxy.removeToxic(name);
  }

  /** Disabled: new connections are refused and open ones are closed. */
  setEnabled(enabled: boolean): Promise<void> {
    return this.proxy.setEnabled(enabled);
  }

  async remove(): Promise<void> {
    await this.proxy.delete().catch((error: unknown) => {
      if (!String(error).includes(" 404")) throw error;
    });
  }
}

/** "host:port" of a postgres:// URL, as Toxiproxy's upstream. */
export function upstreamOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "5432"}`;
}
