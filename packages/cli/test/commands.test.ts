import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeNodeData, eventNodeId, MemoryBackend } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { registerMemoryStore } from "../src/stores/backends.js";
import { cli, dirWith, memoryName } from "./helpers-commands/index.js";

// biome-ignore lint/suspicious/noExplicitAny: a JSON report checked field by field
type Stats = Record<string, any>;

const ID = "5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab";
const EVENT = "6a0b35e7-4d2c-4b0e-9f0d-3f8d0c5a1b2e";

/** A named memory store with its backend, for seeding bytes directly. */
function seeded(now?: () => number) {
  const url = memoryName();
  const backend = new MemoryBackend(now ? { now } : {});
  registerMemoryStore(url.slice("memory:".length), backend);
  return { url, backend };
}

describe("put and get", () => {
  it("round-trips a node from a file, numbers exactly as written", async () => {
    const dir = dirWith({
      "event.json": '{"a": 1.0, "big": 12345678901234567890, "s": "h\\u00e9 \\u2603", "f": 1.5, "n": null}',
      "raw.json": "[1, 2.0]",
    });
    const store = memoryName();
    const put = await cli(["put", ID, "event.json", "-s", store, "--subkey", "unprocessed=raw.json"], {
      cwd: dir,
    });
    expect(put.code, put.stderr).toBe(0);
    expect(put.stdout).toMatch(
      /^stored 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab in memory:t\d+.* \(\d+ B, subkeys unprocessed\)\n$/,
    );

    const raw = await cli(["get", ID, "-s", store, "--raw"]);
    expect(raw.code).toBe(0);
    expect(raw.stdoutBytes.toString("latin1")).toBe(
      '{"a":1.0,"big":12345678901234567890,"f":1.5,"n":null,"s":"h\\u00e9 \\u2603"}\nunprocessed\n[1,2.0]',
    );

    const pretty = await cli(["get", ID, "-s", store]);
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toBe(
      '{\n  "a": 1.0,\n  "big": 12345678901234567890,\n  "f": 1.5,\n  "n": null,\n  "s": "hé ☃"\n}\n',
    );
    expect(pretty.stderr).toContain("subkeys: unprocessed");

    const compact = await cli(["get", ID, "-s", store, "--json"]);
    expect(compact.stdout).toBe('{"a":1.0,"big":12345678901234567890,"f":1.5,"n":null,"s":"hé ☃"}\n');
    expect(compact.stderr).toBe("");

    const sub = await cli(["get", ID, "-s", store, "--subkey", "unprocessed", "--json"]);
    expect(sub.stdout).toBe("[1,2.0]\n");

    const noSub = await cli(["get", ID, "-s", store, "--subkey", "nope"]);
    expect(noSub.code).toBe(1);
    expect(noSub.stderr).toBe(
      `nodestore: node ${ID} in ${store} has no subkey "nope" (its subkeys: unprocessed)\n`,
    );
  });

  it("reads stdin (no FILE or -), honours --ttl, and takes the store from NODESTORE_STORE", async () => {
    const store = memoryName();
    const env = { NODESTORE_STORE: store };
    expect((await cli(["put", ID], { stdin: '{"x": [1, 2]}', env })).code).toBe(0);
    expect((await cli(["get", ID, "--json"], { env })).stdout).toBe('{"x":[1,2]}\n');
    const withTtl = await cli(["put", ID, "-", "--ttl", "3600", "--json"], { stdin: '{"y": 1}', env });
    expect(withTtl.json()).toMatchObject({ stored: ID, ttl: 3600, subkeys: [] });
    expect((await cli(["get", ID, "--json"], { env })).stdout).toBe('{"y":1}\n');
  });

  it("refuses bad input with exit 2 and one line", async () => {
    const dir = dirWith({ "array.json": "[1]", "bad.json": "{nope", "ok.json": "{}" });
    const store = memoryName();
    const cases: Array<[string[], RegExp]> = [
      [["put", ID, "array.json"], /array\.json: the main value must be a JSON object/],
      [["put", ID, "bad.json"], /bad\.json: not JSON/],
      [["put", ID, "missing.json"], /missing\.json: ENOENT/],
      [["put", ID, "ok.json", "--subkey", "x"], /--subkey x: expected NAME=FILE/],
      [["put", ID, "ok.json", "--subkey", "a\nb=ok.json"], /Subkey name/],
      [["put", ID, "ok.json", "--ttl", "0"], /--ttl.*integer >= 1/],
      [["put", "", "ok.json"], /cannot be empty/],
      [["put", ID], /stdin is not a pipe/],
      [["get"], /give a node id/],
      [["get", "--project", "3"], /--project and --event go together/],
      [["get", "--project", "x", "--event", EVENT], /project id is a non-negative integer/],
      [["get", "--project", "3", "--event", "zz"], /event id is 32 hex/],
      [["get", ID, "--project", "3", "--event", EVENT], /not both/],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...args, "-s", store], { cwd: dir });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")[0]).toMatch(/^nodestore: /);
      expect(r.stdout).toBe("");
    }
  });

  it("get --project/--event reads md5(project:event), absent is exit 1 in one line", async () => {
    const { url, backend } = seeded();
    const id = eventNodeId(3, EVENT);
    await backend.setBytes(id, encodeNodeData({ _ref: 3, event_id: EVENT.replace(/-/g, "") }));
    const got = await cli(["get", "--project", "3", "--event", EVENT, "-s", url, "--json"]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)._ref).toBe(3);

    const absent = await cli(["get", "--project", "4", "--event", EVENT, "-s", url]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toBe(`nodestore: node ${eventNodeId(4, EVENT)} not found in ${url}\n`);
    const absentJson = await cli(["get", ID, "-s", url, "--json"]);
    expect(absentJson.code).toBe(1);
    expect(absentJson.json()).toEqual({
      error: { message: `node ${ID} not found in ${url}`, code: "NOT_FOUND", exitCode: 1 },
    });
  });

  it("names a legacy pickled node and a corrupt node in one line (and --raw still dumps them)", async () => {
    const { url, backend } = seeded();
    const pickle = Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]); // protocol 2: {}
    await backend.setBytes("p1", pickle);
    await backend.setBytes("c1", Buffer.from("not json at all"));
    const legacy = await cli(["get", "p1", "-s", url]);
    expect(legacy.code).toBe(4);
    expect(legacy.stderr).toMatch(
      /^nodestore: node p1 in memory:\S+ is a legacy pickled node \(written by Sentry before 2021, 6 bytes\).*--raw\n$/,
    );
    expect((await cli(["get", "p1", "-s", url, "--raw"])).stdoutBytes).toEqual(pickle);
    const corrupt = await cli(["get", "c1", "-s", url, "--json"]);
    expect(corrupt.code).toBe(4);
    expect(corrupt.json()).toMatchObject({ error: { code: "CORRUPT_NODE", exitCode: 4 } });
    expect(corrupt.json<{ error: { message: string } }>().error.message).toMatch(
      /Node "?'?c1.*corrupt at the json layer/,
    );
  });
});

describe("delete", () => {
  it("deletes several ids, absent ones included", async () => {
    const { url, backend } = seeded();
    for (const id of ["a", "b", "c"]) await backend.setBytes(id, encodeNodeData({ id }));
    const r = await cli(["delete", "a", "b", "zz", "a", "-s", url, "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ deleted: 3, ids: ["a", "b", "zz"] });
    expect(await backend.getBytes("a")).toBeNull();
    expect(await backend.getBytes("c")).not.toBeNull();
    const human = await cli(["delete", "c", "-s", url]);
    expect(human.stdout).toBe(`deleted 1 node from ${url} (absent ids included)\n`);
  });
});

describe("stats", () => {
  it("counts, sums stored bytes and samples the ratio", async () => {
    const { url, backend } = seeded();
    let total = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = encodeNodeData({ i, pad: "x".repeat(i % 50) });
      total += bytes.byteLength;
      await backend.setBytes(`n${String(i).padStart(4, "0")}`, bytes);
    }
    const r = await cli(["stats", "--from", url, "--sample", "50", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = r.json<Stats>();
    expect(s).toMatchObject({ nodes: 500, storedBytes: total, backend: "memory" });
    expect(s.sample).toMatchObject({ requested: 50, read: 50, missing: 0, corrupt: 0, ratio: 1 });
    expect(s.estimatedDecompressedBytes).toBeGreaterThan(0);

    const human = await cli(["stats", "--from", url, "--sample", "0"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^store +memory:\S+ \(memory\)\nnodes +500\nstored +\d/);

    const windowed = await cli(["stats", "--from", url, "--since", "2000-01-01", "--until", "1d", "--json"]);
    expect(windowed.json()).toMatchObject({ nodes: 0, since: "2000-01-01T00:00:00.000Z" });
  });

  it("rejects bad windows and options with exit 2", async () => {
    const url = memoryName();
    for (const args of [
      ["--since", "2025-02-01", "--until", "2025-01-01"],
      ["--since", "yesterday"],
      ["--sample", "-1"],
      ["--sample", "x"],
    ]) {
      const r = await cli(["stats", "--from", url, ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^nodestore: /);
    }
    const missing = await cli(["stats"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--from <store>'/);
  });
});

describe("bootstrap and cleanup", () => {
  it("bootstrap on a store that needs none says so", async () => {
    const r = await cli(["bootstrap", "memory:", "--json"]);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ store: "memory:", backend: "memory", bootstrapped: false });
  });

  it("cleanup --days is a dry run unless --execute", async () => {
    let now = Date.now() - 100 * 86_400_000;
    const { url, backend } = seeded(() => now);
    for (let i = 0; i < 10; i++) await backend.setBytes(`old${i}`, encodeNodeData({ i }));
    now = Date.now();
    for (let i = 0; i < 5; i++) await backend.setBytes(`new${i}`, encodeNodeData({ i }));

    const dry = await cli(["cleanup", url, "--days", "30"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^dry run: nothing deleted\./);
    expect(dry.stdout).toContain("would delete: 10 nodes");
    expect(dry.stdout).toContain("--execute");
    expect(backend.size).toBe(15);
    const dryJson = await cli(["cleanup", url, "--days", "30", "--json"]);
    expect(dryJson.json()).toMatchObject({ dryRun: true, wouldDelete: 10, days: 30 });

    const run = await cli(["cleanup", url, "--days", "30", "--execute", "--json"]);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ dryRun: false, deleted: 10 });
    expect(backend.size).toBe(5);
    expect((await cli(["cleanup", url, "--days", "0"])).code).toBe(2);
  });

  it("cleanup on S3 or Tablestore exits 2 with the retention hint", async () => {
    for (const name of ["s3", "tablestore"]) {
      const backend = new MemoryBackend();
      Object.defineProperty(backend, "name", { value: name });
      Object.defineProperty(backend, "cleanup", { value: undefined });
      const url = memoryName(name);
      registerMemoryStore(url.slice(7), backend);
      const r = await cli(["cleanup", url, "--days", "90"]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(name === "s3" ? /lifecycle rule .*Expiration Days = 90/ : /time to live/);
    }
  });
});

describe("every command", () => {
  it("has --help with examples", async () => {
    for (const command of ["get", "put", "delete", "stats", "bootstrap", "cleanup", "stores"]) {
      const r = await cli([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toMatch(/Examples:\n {2}\S.*\n {4}\$ nodestore /);
    }
  });

  it("reads FILE relative to the working directory", async () => {
    const dir = dirWith({});
    writeFileSync(join(dir, "n.json"), '{"k":"v"}');
    const store = memoryName();
    expect((await cli(["put", "rel", "n.json", "-s", store], { cwd: dir })).code).toBe(0);
    expect((await cli(["get", "rel", "-s", store, "--json"])).stdout).toBe('{"k":"v"}\n');
  });
});
