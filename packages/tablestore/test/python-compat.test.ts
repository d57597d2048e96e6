// Cross-implementation on the same Tablestore: the real PyPI plugin (sentry-tablestore 1.0.0b2.post1, through
// compat/ref.py and the official Python SDK) and this package (through the official npm SDK), both directions,
// with zstd, zlib and no compression. Then the plugin's own bugs, shown against the same server, next to what
// this package does instead: the README's "what we fix" table rests on these tests.
import { goldenPayloads } from "@nodestore/conformance";
import { eventNodeId, NodeStore } from "@nodestore/core";
import { pythonRef, serviceEnv } from "@nodestore/services";
import { tablestoreControl } from "@nodestore/tablestore-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TablestoreBackend } from "../src/index.js";
import {
  dropTable,
  ignore,
  inspectRaw,
  rawClient,
  scratchBackend,
  scratchTableName,
  TableStore,
  type TablestoreTarget,
  tablestoreTargets,
} from "./helpers.js";

const python = serviceEnv("the Python reference venv", ["NODESTORE_PYTHON", "NODESTORE_REF_CLI"]);
const targets = python ? await tablestoreTargets() : [];
if (targets.length === 0) it.skip("Tablestore or the Python reference venv is not configured", () => {});

type Compression = "zstd" | "zlib" | "none";

/** ref.py flags for the plugin on `table` of `target`. */
function refArgs(
  target: TablestoreTarget,
  table: string,
  compression: Compression,
  extra: string[] = [],
): string[] {
  return [
    "--ots-endpoint",
    target.endpoint,
    "--ots-instance",
    target.instance,
    "--ots-access-key-id",
    target.accessKeyId,
    "--ots-access-key-secret",
    target.accessKeySecret,
    ...(target.stsToken ? ["--ots-sts-token", target.stsToken] : []),
    "--ots-table",
    table,
    "--compression",
    compression,
    ...extra,
  ];
}

const ourCompression = { zstd: "zstd", zlib: "zlib", none: false } as const;
const run = Math.random().toString(16).slice(2, 10);
let seq = 0;
const newId = () => eventNodeId(9, `${run}${String(seq++).padStart(24, "0")}`);
const golden = goldenPayloads.filter((g) => ["minimal_event", "escapes", "random_event_20"].includes(g.name));

for (const target of targets) {
  describe(`sentry-tablestore (Python) and @nodestore/tablestore on ${target.label}`, () => {
    const tables: string[] = [];
    afterAll(async () => {
      for (const t of tables) await dropTable(target, t);
    }, 120_000);

    /** A scratch table bootstrapped by our backend, and a store on it. */
    async function scratch(compression: Compression) {
      const s = scratchBackend(target, { compression: ourCompression[compression] });
      tables.push(s.table);
      await s.backend.bootstrap();
      return {
        ...s,
        store: new NodeStore(s.backend),
        args: (extra: string[] = []) => refArgs(target, s.table, compression, extra),
      };
    }

    for (const compression of ["zstd", "zlib"] as const) {
      describe(`compression ${compression}`, () => {
        let s: Awaited<ReturnType<typeof scratch>>;
        beforeAll(async () => {
          s = await scratch(compression);
        }, 60_000);

        it("Python writes (set_bytes), we read the same bytes, one by one and in a batch", async () => {
          const ids = golden.map(() => newId());
          for (const [i, g] of golden.entries()) {
            await pythonRef.putBytes("tablestore", ids[i]!, g.bytes, { args: s.args() });
          }
          const row = await inspectRaw(target, s.table, ids[0]!);
          expect(Buffer.isBuffer(row?.data?.value)).toBe(true);
          expect(row?.flags?.value).toBe(compression === "zlib" ? 1 : 2);
          for (const [i, g] of golden.entries()) {
            expect(Buffer.from((await s.backend.getBytes(ids[i]!))!)).toEqual(Buffer.from(g.bytes));
          }
          const many = await s.backend.getBytesMulti(ids);
          for (const [i, g] of golden.entries())
            expect(Buffer.from(many.get(ids[i]!) as Uint8Array)).toEqual(Buffer.from(g.bytes));
        });

        it("Python writes a node (set), we decode the same value", async () => {
          const id = newId();
          const json =
            '{"message": "h\\u00e9llo \\ud83d\\ude00", "n": 1.0, "tags": [["a", "b"]], "big": 1152921504606846976}';
          await pythonRef.putJson("tablestore", id, json, { args: s.args() });
          expect(await s.store.get(id)).toEqual({
            message: "héllo 😀",
            n: 1,
            tags: [["a", "b"]],
            big: 2n ** 60n,
          });
        });

        it("we write, Python reads the same bytes (data BINARY, flags as the plugin sets them)", async () => {
          const ids = golden.map(() => newId());
          await s.backend.setBytesMulti(golden.map((g, i) => [ids[i]!, g.bytes] as const));
          const row = await inspectRaw(target, s.table, ids[0]!);
          expect(Buffer.isBuffer(row?.data?.value)).toBe(true);
          expect(row?.flags?.value).toBe(compression === "zlib" ? 1 : 2);
          for (const [i, g] of golden.entries()) {
            expect(await pythonRef.getBytes("tablestore", ids[i]!, { args: s.args() })).toEqual(
              new Uint8Array(g.bytes),
            );
          }
        });

        it("we write a value that compression does not shrink: still compressed and flagged, so the plugin reads it", async () => {
          const id = newId();
          await s.store.set(id, {});
          expect((await inspectRaw(target, s.table, id))?.flags?.value).toBe(compression === "zlib" ? 1 : 2);
          expect(await pythonRef.get("tablestore", id, { args: s.args() })).toEqual({});
        });
      });
    }

    describe("no compression (the plugin's default)", () => {
      let s: Awaited<ReturnType<typeof scratch>>;
      beforeAll(async () => {
        s = await scratch("none");
      }, 60_000);

      it("Python writes raw bytes as a STRING column without flags; we read them (the plugin cannot: TypeError)", async () => {
        const id = newId();
        const bytes = golden[0]!.bytes;
        await pythonRef.putBytes("tablestore", id, bytes, { args: s.args() });
        const row = await inspectRaw(target, s.table, id);
        expect(typeof row?.data?.value).toBe("string");
        expect(row?.flags).toBeUndefined();
        expect(Buffer.from((await s.backend.getBytes(id))!)).toEqual(Buffer.from(bytes));
        await expect(pythonRef.getBytes("tablestore", id, { args: s.args() })).rejects.toThrow(
          /TypeError: 'NoneType' object is not subscriptable/,
        );
      });

      it("we write raw bytes as BINARY without flags (the plugin cannot read those either)", async () => {
        const id = newId();
        await s.backend.setBytes(id, golden[1]!.bytes);
        const row = await inspectRaw(target, s.table, id);
        expect(Buffer.isBuffer(row?.data?.value)).toBe(true);
        expect(row?.flags).toBeUndefined();
        await expect(pythonRef.getBytes("tablestore", id, { args: s.args() })).rejects.toThrow(/TypeError/);
      });
    });

    describe("the plugin's bugs, next to what we do", () => {
      let s: Awaited<ReturnType<typeof scratch>>;
      beforeAll(async () => {
        s = await scratch("zstd");
      }, 60_000);

      it("get of a missing id: the plugin raises AttributeError; we return null", async () => {
        const id = newId();
        await expect(pythonRef.get("tablestore", id, { args: s.args() })).rejects.toThrow(
          /AttributeError: 'NoneType' object has no attribute 'attribute_columns'/,
        );
        expect(await s.store.get(id)).toBeNull();
      });

      it("get_multi: the plugin returns None for every id (its values are keyed by Row objects); we return each value", async () => {
        const ids = [newId(), newId()];
        await s.store.setMulti(ids.map((id, i) => ({ id, main: { i } })));
        const got = (await pythonRef.getMulti("tablestore", ids, { args: s.args() })) as Record<
          string,
          unknown
        >;
        for (const id of ids) expect(got[id]).toBeNull();
        // The values are there, under keys that are not ids.
        expect(got[`<Row id=${ids[0]}>`]).toEqual({ i: 0 });
        const ours = await s.store.getMulti(ids);
        expect(ids.map((id) => ours.get(id))).toEqual([{ i: 0 }, { i: 1 }]);
      });

      it("get_multi with a missing id: the plugin raises AttributeError; we return null for it", async () => {
        const [present, missing] = [newId(), newId()];
        await s.store.set(present, { here: true });
        await expect(
          pythonRef.getMulti("tablestore", [present, missing], { args: s.args() }),
        ).rejects.toThrow(/AttributeError/);
        const ours = await s.store.getMulti([present, missing]);
        expect(ours.get(present)).toEqual({ here: true });
        expect(ours.get(missing)).toBeNull();
      });

      it("a write to a missing table: the plugin reports success and stores nothing; we raise", async () => {
        const table = scratchTableName("nsnotable");
        const id = newId();
        expect(
          await pythonRef.run(["tablestore", "put", id, ...refArgs(target, table, "zstd")], {
            input: '{"lost":true}',
          }),
        ).toEqual({ ok: true, id });
        await expect(rawClient(target).describeTable({ tableName: table })).rejects.toThrow(
          /OTSObjectNotExist/,
        );
        const ours = scratchBackend(target, { table, compression: "zstd" });
        await expect(new NodeStore(ours.backend).set(id, { lost: false })).rejects.toThrow(
          /OTSObjectNotExist.*bootstrap/,
        );
        await ours.backend.close();
      });

      it.runIf(target.local)(
        "a write the service refuses (OTSServerBusy, no retries): the plugin reports success; we raise a retryable error",
        async () => {
          const control = tablestoreControl(target.endpoint);
          const id = newId();
          await control.addFaults({ api: "PutRow", table: s.table, code: "OTSServerBusy", times: 1 });
          try {
            await pythonRef.put("tablestore", id, { lost: true }, { args: s.args(["--ots-no-retry"]) });
          } finally {
            await control.clearFaults();
          }
          expect(await inspectRaw(target, s.table, id)).toBeNull();
          const noRetry = scratchBackend(target, { table: s.table, compression: "zstd", retryAttempts: 0 });
          await control.addFaults({ api: "PutRow", table: s.table, code: "OTSServerBusy", times: 1 });
          try {
            await expect(new NodeStore(noRetry.backend).set(id, { lost: false })).rejects.toMatchObject({
              name: "BackendUnavailableError",
              retryable: true,
            });
          } finally {
            await control.clearFaults();
            await noRetry.backend.close();
          }
        },
      );

      it.runIf(target.local)(
        "bootstrap twice: the plugin updates the table on every run; we only when something differs",
        async () => {
          const control = tablestoreControl(target.endpoint);
          const table = scratchTableName("nsboot");
          tables.push(table);
          const updates = async () =>
            (await control.stats()).counters.byTable[`${target.instance}/${table}`]?.UpdateTable ?? 0;
          await pythonRef.bootstrap("tablestore", { args: refArgs(target, table, "zstd") });
          expect(await updates()).toBe(0);
          await pythonRef.bootstrap("tablestore", { args: refArgs(target, table, "zstd") });
          await pythonRef.bootstrap("tablestore", { args: refArgs(target, table, "zstd") });
          expect(await updates()).toBe(4);
          const ours = scratchBackend(target, { table, compression: "zstd" });
          expect(await ours.backend.bootstrapTable()).toBe("unchanged");
          expect(await ours.backend.bootstrapTable()).toBe("unchanged");
          expect(await updates()).toBe(4);
          await ours.backend.close();
        },
      );
    });

    describe("table options and TTL", () => {
      it("bootstrap with automatic expiry: the same table options from the plugin and from us", async () => {
        const [theirs, ours] = [scratchTableName("nsttl"), scratchTableName("nsttl")];
        tables.push(theirs, ours);
        const ttl = 90 * 86_400;
        await pythonRef.bootstrap("tablestore", {
          args: refArgs(target, theirs, "zstd", ["--ots-automatic-expiry", "--ots-default-ttl", String(ttl)]),
        });
        const backend = scratchBackend(target, {
          table: ours,
          compression: "zstd",
          automaticExpiry: true,
          defaultTtl: ttl,
        }).backend;
        expect(await backend.bootstrapTable()).toBe("created");
        await backend.close();
        const describe = async (tableName: string) => {
          const d = await rawClient(target).describeTable({ tableName });
          return {
            primaryKey: d.tableMeta.primaryKey.map((c: { name: string; type: unknown }) => [c.name, c.type]),
            timeToLive: d.tableOptions.timeToLive,
            maxVersions: d.tableOptions.maxVersions,
            read: d.reservedThroughputDetails.capacityUnit.read,
            write: d.reservedThroughputDetails.capacityUnit.write,
          };
        };
        const expected = { primaryKey: [["id", 2]], timeToLive: ttl, maxVersions: 1, read: 0, write: 0 };
        expect(await describe(theirs)).toEqual(expected);
        expect(await describe(ours)).toEqual(expected);
      });

      it("read-side TTL: a data cell older than defaultTtl reads as missing, in the plugin and here", async () => {
        const s = await scratch("zstd");
        const [old, fresh] = [newId(), newId()];
        // A cell written two minutes ago (an explicit cell timestamp, within the table's max time deviation).
        const zstd = (await import("@nodestore/core")).compression.zstd.compress(Buffer.from('{"old":true}'));
        await rawClient(target).putRow({
          tableName: s.table,
          condition: ignore(),
          primaryKey: [{ id: old }],
          attributeColumns: [
            { data: Buffer.from(zstd), timestamp: TableStore.Long.fromNumber(Date.now() - 120_000) },
            {
              flags: TableStore.Long.fromNumber(2),
              timestamp: TableStore.Long.fromNumber(Date.now() - 120_000),
            },
          ],
        });
        await s.store.set(fresh, { fresh: true });
        const withTtl = scratchBackend(target, { table: s.table, compression: "zstd", defaultTtl: 60 })
          .backend as TablestoreBackend;
        const store = new NodeStore(withTtl);
        expect(await store.get(old)).toBeNull();
        expect(await store.get(fresh)).toEqual({ fresh: true });
        expect([...(await store.getMulti([old, fresh])).values()]).toEqual([null, { fresh: true }]);
        expect(
          await pythonRef.get("tablestore", old, { args: s.args(["--ots-default-ttl", "60"]) }),
        ).toBeNull();
        expect(
          await pythonRef.get("tablestore", fresh, { args: s.args(["--ots-default-ttl", "60"]) }),
        ).toEqual({ fresh: true });
        // Without defaultTtl both read it.
        expect(await s.store.get(old)).toEqual({ old: true });
        expect(await pythonRef.get("tablestore", old, { args: s.args() })).toEqual({ old: true });
        await withTtl.close();
      });
    });

    it("deletes: Python's delete (DeleteRow) and delete_multi (BatchWriteRow) remove what we wrote, ours what Python wrote", async () => {
      const s = await scratch("zstd");
      const ours = [newId(), newId(), newId()];
      const theirs = [newId(), newId()];
      await s.store.setMulti(ours.map((id) => ({ id, main: { by: "ts" } })));
      for (const id of theirs) await pythonRef.put("tablestore", id, { by: "py" }, { args: s.args() });
      await pythonRef.delete("tablestore", ours[0]!, { args: s.args() });
      await pythonRef.delete("tablestore", ours.slice(1), { args: s.args() });
      await s.store.deleteMulti(theirs);
      for (const id of [...ours, ...theirs]) expect(await inspectRaw(target, s.table, id)).toBeNull();
    });
  });
}
