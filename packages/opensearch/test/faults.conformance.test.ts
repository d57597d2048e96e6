// The shared fault section (@nodestore/conformance "faults") on every configured OpenSearch: network faults
// through Toxiproxy, stored `data` damaged by raw index requests at each layer (base64, zlib, JSON), ids
// OpenSearch cannot store exactly.
import { deflateSync } from "node:zlib";
import {
  type CorruptionCase,
  type FaultHooks,
  flipBit,
  runConformanceSuite,
  truncateBytes,
  zlibBomb,
} from "@nodestore/conformance";
import { NodeStore } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import { it } from "vitest";
import { type OpenSearchBackend, utcDay } from "../src/index.js";
import { openSearchTargets, type Scratch, scratch } from "./helpers.js";

const MiB = 1024 * 1024;
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/**
 * Damage to a node's `data` field, written with plain index requests next to the backend. Our template maps
 * `data` as binary, which only takes valid base64: the cases for the base64 layer write into a sibling index
 * of the same day with the andrsp/wedeploy `text` mapping (in the alias), where any string goes; the
 * undamaged copy is deleted first, so the damaged one is the only copy.
 */
function corruptions(space: () => Scratch): CorruptionCase[] {
  const read = async (id: string): Promise<string> => {
    const s = space();
    const r = await s.http("POST", "/_mget?stored_fields=data", {
      docs: [{ _index: `${s.tag}-${utcDay(new Date())}`, _id: id }],
    });
    const data = r.body.docs[0]?.fields?.data?.[0];
    if (typeof data !== "string") throw new Error(`no stored data for ${id}`);
    return data;
  };
  const write = async (
    id: string,
    data: string,
    mapping: "binary" | "text" = "binary",
    store?: NodeStore,
  ) => {
    const s = space();
    const today = `${s.tag}-${utcDay(new Date())}`;
    let index = today;
    if (mapping === "text") {
      index = `${today}-text`;
      await s.http("PUT", `/${index}`, {
        mappings: {
          _source: { enabled: false },
          dynamic: false,
          properties: {
            data: { type: "text", index: false, store: true },
            timestamp: { type: "date", store: true },
          },
        },
        aliases: { [s.tag]: {} },
      });
      await s.http("DELETE", `/${today}/_doc/${id}`);
      // A new index in the alias: reads see it once the index list is fetched again (after indexListTtlMs).
      if (store) await (store.backend as OpenSearchBackend).catalog.aliasIndices(true);
    }
    const put = await s.http("PUT", `/${index}/_doc/${id}`, {
      data,
      timestamp: new Date(Date.now() - 60_000).toISOString(),
    });
    if (put.status >= 300) throw new Error(`damaging ${id} failed: ${JSON.stringify(put.body)}`);
  };
  return [
    {
      name: "data that is not base64 (text mapping)",
      expect: "base64",
      corrupt: (id, store) => write(id, "this is not base64!", "text", store),
    },
    {
      name: "empty data (text mapping)",
      expect: "zlib",
      corrupt: (id, store) => write(id, "", "text", store),
    },
    {
      name: "base64 of bytes that are not zlib",
      expect: "zlib",
      corrupt: (id) => write(id, b64("plain text, no zlib header")),
    },
    {
      name: "zlib with a flipped bit",
      expect: "zlib",
      corrupt: async (id) => write(id, b64(flipBit(unb64(await read(id))))),
    },
    {
      name: "zlib cut in half",
      expect: "zlib",
      corrupt: async (id) => write(id, b64(truncateBytes(unb64(await read(id))))),
    },
    {
      name: "a zlib bomb (inflates 1 MiB past the backend's largest value)",
      expect: "zlib",
      corrupt: async (id, store) => write(id, b64(await zlibBomb(store.backend.maxValueBytes! + MiB))),
    },
    {
      name: "valid zlib of text that is not JSON",
      expect: "json",
      corrupt: (id) => write(id, b64(deflateSync("this is not json"))),
    },
  ];
}

const toxiproxyUrl = serviceEnv("NODESTORE_TOXIPROXY_URL");
const targets = openSearchTargets();
if (targets.length === 0) it.skip("no OpenSearch is configured", () => {});
for (const target of targets) {
  let current: Scratch | undefined;
  const space = () => {
    if (!current) throw new Error("no scratch namespace yet");
    return current;
  };
  const upstream = new URL(target.url);
  const faults: FaultHooks = {
    transport:
      toxiproxyUrl === undefined
        ? undefined
        : {
            toxiproxyUrl,
            upstream: { host: upstream.hostname, port: Number(upstream.port || 9200) },
            createStoreVia: (address, bounds) =>
              new NodeStore(
                space().backend({
                  node: `http://${address.host}:${address.port}`,
                  requestTimeoutMs: bounds.requestTimeoutMs + bounds.connectTimeoutMs,
                  maintenanceTimeoutMs: bounds.requestTimeoutMs + bounds.connectTimeoutMs,
                  maxRetries: bounds.retryAttempts,
                  cleanupPrecision: "exact",
                }),
              ),
          },
    corruptions: corruptions(space),
    // OpenSearch's _id is at most 512 bytes of UTF-8.
    unstorableIds: ["x".repeat(513), "é".repeat(257)],
  };
  runConformanceSuite({
    name: `opensearch on ${target.label}`,
    sections: ["faults"],
    faults,
    createStore: async () => {
      current = scratch(target);
      // "exact": the cut-cleanup case deletes nodes written a second before its cutoff.
      return new NodeStore(current.backend({ cleanupPrecision: "exact" }) as OpenSearchBackend);
    },
    destroyStore: async (store) => {
      await store.close();
      await current?.drop();
    },
  });
}
