// NODESTORE_TABLESTORE_*: the local Tablestore server (tools/tablestore-server). Health through its control
// endpoint, a node round-tripped by the real sentry-tablestore plugin through compat/ref.py, and the embedded
// start the tablestore package's `pnpm test` uses.
import { tablestoreControl } from "@nodestore/tablestore-server";
import { describe, expect, it } from "vitest";
import { pythonRef, serviceEnv, startEmbeddedTablestore } from "../src/index.js";

const env = serviceEnv("Tablestore (the local protocol server)", [
  "NODESTORE_TABLESTORE_ENDPOINT",
  "NODESTORE_TABLESTORE_INSTANCE",
  "NODESTORE_TABLESTORE_ACCESS_KEY_ID",
  "NODESTORE_TABLESTORE_ACCESS_KEY_SECRET",
]);
const py = serviceEnv("NODESTORE_PYTHON");

describe.skipIf(!env)("the local Tablestore server at NODESTORE_TABLESTORE_ENDPOINT", () => {
  it("answers its control endpoint and serves the configured instance", async () => {
    const info = await tablestoreControl(env!.NODESTORE_TABLESTORE_ENDPOINT).info();
    expect(info.server).toBe("nodestore-tablestore-server");
    expect(info.instances).toContain(env!.NODESTORE_TABLESTORE_INSTANCE);
  });

  it.skipIf(!py)("round-trips a node through the real sentry-tablestore plugin", async () => {
    const table = `smoke_ots_${process.pid}`;
    const args = ["--ots-table", table, "--compression", "zstd"];
    await pythonRef.bootstrap("tablestore", { args });
    await pythonRef.put("tablestore", "smoke-node", { hello: "tablestore" }, { args });
    expect(await pythonRef.get("tablestore", "smoke-node", { args })).toEqual({ hello: "tablestore" });
    const stored = (await pythonRef.inspect("tablestore", "smoke-node", { args })) as {
      columns: Record<string, { type: string; value?: number }>;
    };
    expect(stored.columns.data?.type).toBe("binary");
    expect(stored.columns.flags?.value).toBe(2);
    const stats = await tablestoreControl(env!.NODESTORE_TABLESTORE_ENDPOINT).stats({ table });
    expect(stats.tables[env!.NODESTORE_TABLESTORE_INSTANCE]?.[table]?.rows).toBe(1);
    await tablestoreControl(env!.NODESTORE_TABLESTORE_ENDPOINT).reset(
      env!.NODESTORE_TABLESTORE_INSTANCE,
      table,
    );
  });
});

describe("startEmbeddedTablestore", () => {
  it("starts a child server on a free port and stops it", async () => {
    const server = await startEmbeddedTablestore({ startedBy: "a test" });
    try {
      expect(server.env.NODESTORE_TABLESTORE_ENDPOINT).toBe(server.endpoint);
      expect(await tablestoreControl(server.endpoint).isLocal()).toBe(true);
      expect(server.description).toMatch(
        /local Tablestore server .* started by a test at http:\/\/127\.0\.0\.1:\d+/,
      );
    } finally {
      await server.stop();
    }
    expect(await tablestoreControl(server.endpoint).isLocal()).toBe(false);
  });
});
