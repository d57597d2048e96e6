// The shared fault section (@nodestore/conformance "faults") on every configured PostgreSQL: network faults
// through Toxiproxy, `data` column text damaged by raw SQL at each layer (base64, zlib, JSON), ids Postgres
// cannot store exactly.
import { deflateSync } from "node:zlib";
import {
  type CorruptionCase,
  type FaultHooks,
  flipBit,
  runConformanceSuite,
  truncateBytes,
  zlibBomb,
} from "@nodestore/conformance";
import { DEFAULT_MAX_VALUE_BYTES, NodeStore } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import type pg from "pg";
import { it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

const MiB = 1024 * 1024;

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

/** Damage to the `data` column (`base64(zlib(bytes))`), written with raw SQL next to the backend. */
function corruptions(sql: () => { pool: pg.Pool; table: string }): CorruptionCase[] {
  const read = async (id: string): Promise<string> => {
    const { pool, table } = sql();
    const { rows } = await pool.query<{ data: string }>(`SELECT data FROM ${table} WHERE id = $1`, [id]);
    if (rows[0] === undefined) throw new Error(`no row for ${id}`);
    return rows[0].data;
  };
  const write = async (id: string, data: string): Promise<void> => {
    const { pool, table } = sql();
    const { rowCount } = await pool.query(`UPDATE ${table} SET data = $2 WHERE id = $1`, [id, data]);
    if (rowCount !== 1) throw new Error(`no row for ${id}`);
  };
  return [
    { name: "data that is not base64", expect: "base64", corrupt: (id) => write(id, "this is not base64!") },
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
    { name: "empty data", expect: "zlib", corrupt: (id) => write(id, "") },
    {
      name: "a zlib bomb (inflates 1 MiB past the backend's largest value)",
      expect: "zlib",
      corrupt: async (id, store) =>
        write(id, b64(await zlibBomb((store.backend.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES) + MiB))),
    },
    {
      name: "valid zlib of text that is neither JSON nor a pickle",
      expect: "json",
      corrupt: (id) => write(id, b64(deflateSync("this is not json"))),
    },
  ];
}

/** Where a connection string points, and the same string pointing somewhere else. */
function upstreamOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 5432) };
}
function via(url: string, address: { host: string; port: number }): string {
  const parsed = new URL(url);
  parsed.hostname = address.host;
  parsed.port = String(address.port);
  return parsed.toString();
}

const toxiproxyUrl = serviceEnv("NODESTORE_TOXIPROXY_URL");
const targets = postgresTargets();
if (targets.length === 0) it.skip("PostgreSQL is not configured", () => {});
for (const target of targets) {
  let scratch: Awaited<ReturnType<typeof scratchSchema>> | undefined;
  const sql = () => {
    if (!scratch) throw new Error("no scratch schema yet");
    return { pool: scratch.pool, table: `${scratch.schema}.nodestore_node` };
  };
  const faults: FaultHooks = {
    transport:
      toxiproxyUrl === undefined
        ? undefined
        : {
            toxiproxyUrl,
            upstream: upstreamOf(target.url),
            createStoreVia: (address, bounds) =>
              new NodeStore(
                new DjangoPgBackend({
                  connectionString: via(target.url, address),
                  schema: scratch?.schema,
                  connectTimeoutMs: bounds.connectTimeoutMs,
                  queryTimeoutMs: bounds.requestTimeoutMs,
                  maintenanceTimeoutMs: bounds.requestTimeoutMs,
                }),
              ),
          },
    corruptions: corruptions(sql),
    // `id varchar(40)`, and Postgres text cannot hold NUL.
    unstorableIds: ["nul\u0000inside", "x".repeat(41)],
  };
  runConformanceSuite({
    name: `django-pg on ${target.label}`,
    sections: ["faults"],
    faults,
    createStore: async () => {
      scratch = await scratchSchema(target.url);
      return new NodeStore(new DjangoPgBackend({ pool: scratch.pool, schema: scratch.schema }));
    },
    destroyStore: async (store) => {
      await store.close();
      await scratch?.drop();
    },
  });
}
