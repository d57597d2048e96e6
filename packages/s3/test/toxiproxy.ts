// The conformance suite's Toxiproxy client, shaped for these tests: proxies in front of an S3 endpoint, each
// listed so afterAll can delete them all.
import { randomBytes } from "node:crypto";
import { type Toxic, ToxiproxyProxy } from "@nodestore/conformance";
import { serviceEnv } from "@nodestore/services";

export interface ProxyHandle {
  readonly name: string;
  /** `http://127.0.0.1:port`: the endpoint to give the client. */
  readonly endpoint: string;
  addToxic(name: string, toxic: Toxic): Promise<void>;
  removeToxic(name: string): Promise<void>;
  remove(): Promise<void>;
}

/** The Toxiproxy API, or undefined after a skip line (a failure under NODESTORE_REQUIRE_SERVICES=1). */
export function toxiproxyApi(): string | undefined {
  return serviceEnv("Toxiproxy", ["NODESTORE_TOXIPROXY_URL"])?.NODESTORE_TOXIPROXY_URL.replace(/\/+$/, "");
}

export class Toxiproxy {
  readonly #api: string;
  readonly #made = new Set<ProxyHandle>();

  constructor(api: string) {
    this.#api = api;
  }

  /** A proxy on a free loopback port in front of `endpoint`'s host and port. */
  async proxy(endpoint: string): Promise<ProxyHandle> {
    const upstream = new URL(endpoint);
    const name = `nodestore-s3-faults-${randomBytes(4).toString("hex")}`;
    const port = Number(upstream.port || (upstream.protocol === "https:" ? 443 : 80));
    const proxy = await ToxiproxyProxy.create(this.#api, name, { host: upstream.hostname, port });
    const made = this.#made;
    const handle: ProxyHandle = {
      name,
      endpoint: `${upstream.protocol}//${proxy.listen.host}:${proxy.listen.port}`,
      addToxic: async (toxicName, toxic) => {
        await proxy.addToxic({ ...toxic, name: toxicName });
      },
      removeToxic: (toxicName) => proxy.removeToxic(toxicName),
      remove: async () => {
        if (!made.delete(handle)) return;
        await proxy.delete();
      },
    };
    made.add(handle);
    return handle;
  }

  /** Deletes every proxy this object made. */
  async removeAll(): Promise<void> {
    for (const proxy of [...this.#made]) await proxy.remove().catch(() => {});
  }
}
