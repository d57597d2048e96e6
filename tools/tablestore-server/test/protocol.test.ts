// The server through the official npm SDK (every operation, the documented limits and error codes), and raw
// HTTP for what an SDK never sends wrong (signature, MD5, clock, headers, method). The npm SDK does not parse
// error bodies: its `err.code` is the HTTP status and its message holds the protobuf Error as text.
import { createHash, createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startTablestoreServer, tablestoreControl } from "../src/index.js";

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the SDK ships no types
const TableStore: any = require("tablestore");
const long = (n: number) => TableStore.Long.fromNumber(n);
const ignore = () => new TableStore.Condition(TableStore.RowExistenceExpectation.IGNORE, null);

let server: RunningServer;
// biome-ignore lint/suspicious/noExplicitAny: see above
let client: any;

beforeAll(async () => {
  server = await startTablestoreServer({
    credentials: [
      { accessKeyId: "nodestore", accessKeySecret: "nodestore-secret" },
      { accessKeyId: "STS.temp", accessKeySecret: "temp-secret", stsToken: "token-1" },
    ],
  });
  client = sdk();
});
afterAll(() => server?.close());

function sdk(over: Record<string, unknown> = {}) {
  return new TableStore.Client({
    endpoint: server.endpoint,
    instancename: server.instance,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.accessKeySecret,
    maxRetries: 0,
    ...over,
  });
}

/** The SDK's failure as [status, code, message] (taken apart from its text). */
async function failure(promise: Promise<unknown>): Promise<[number, string, string]> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code: number; message: string };
    const body = e.message.slice(0, e.message.lastIndexOf(" requestId:"));
    const codeLength = body.charCodeAt(1);
    return [e.code, body.slice(2, 2 + codeLength), body.slice(4 + codeLength)];
  }
  throw new Error("expected a failure");
}

async function createTable(
  tableName: string,
  options: Record<string, unknown> = {},
  pk = [{ name: "id", type: "STRING" }],
) {
  await client.createTable({
    tableMeta: { tableName, primaryKey: pk },
    reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
    tableOptions: { timeToLive: -1, maxVersions: 1, ...options },
  });
}

describe("tables", () => {
  it("create, describe (every required field the SDK checks), list, update, delete", async () => {
    await createTable("t_admin");
    const d = await client.describeTable({ tableName: "t_admin" });
    expect(d.tableMeta.tableName).toBe("t_admin");
    expect(d.tableOptions.timeToLive).toBe(-1);
    expect(d.tableOptions.maxVersions).toBe(1);
    expect(d.tableOptions.deviationCellVersionInSec.toNumber()).toBe(86400);
    expect(d.reservedThroughputDetails.capacityUnit.read).toBe(0);
    expect((await client.listTable({})).tableNames).toContain("t_admin");
    const u = await client.updateTable({ tableName: "t_admin", tableOptions: { timeToLive: 86400 * 2 } });
    expect(u.tableOptions.timeToLive).toBe(86400 * 2);
    expect(u.tableOptions.maxVersions).toBe(1);
    await client.deleteTable({ tableName: "t_admin" });
    expect(await failure(client.describeTable({ tableName: "t_admin" }))).toEqual([
      404,
      "OTSObjectNotExist",
      "Requested table does not exist.",
    ]);
  });

  it("refuses what the service refuses: existing table, TTL rules, duplicated key names, bad names, table quota", async () => {
    await createTable("t_refuse");
    expect(await failure(createTable("t_refuse"))).toEqual([
      409,
      "OTSObjectAlreadyExist",
      "Requested table already exists.",
    ]);
    expect((await failure(createTable("t_ttl", { timeToLive: 0 })))[2]).toBe(
      "TimeToLive cannot be 0 or less than -1.",
    );
    expect((await failure(createTable("t_ttl", { timeToLive: 3600 })))[0]).toBe(400);
    await createTable("t_ttl_ok", { timeToLive: 86400 });
    expect(
      await failure(
        createTable("t_dup", {}, [
          { name: "a", type: "STRING" },
          { name: "a", type: "INTEGER" },
        ]),
      ),
    ).toEqual([400, "OTSParameterInvalid", "Duplicated primary key name: 'a'."]);
    expect((await failure(createTable("9bad")))[2]).toBe("Invalid table name: '9bad'.");
    const small = await startTablestoreServer({ limits: { maxTables: 1 } });
    try {
      const c = new TableStore.Client({
        endpoint: small.endpoint,
        instancename: small.instance,
        accessKeyId: small.accessKeyId,
        secretAccessKey: small.accessKeySecret,
        maxRetries: 0,
      });
      const make = (tableName: string) =>
        c.createTable({
          tableMeta: { tableName, primaryKey: [{ name: "id", type: "STRING" }] },
          reservedThroughput: { capacityUnit: { read: 0, write: 0 } },
          tableOptions: { timeToLive: -1, maxVersions: 1 },
        });
      await make("one");
      expect(await failure(make("two"))).toEqual([
        403,
        "OTSQuotaExhausted",
        "Number of tables exceeded the quota.",
      ]);
    } finally {
      await small.close();
    }
  });
});

describe("rows", () => {
  beforeAll(() => createTable("t_rows"));

  it("put, get (BINARY, STRING, INTEGER, DOUBLE, BOOLEAN, server timestamps), missing row, delete", async () => {
    const before = Date.now();
    await client.putRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "r1" }],
      attributeColumns: [
        { data: Buffer.from([1, 2, 3]) },
        { flags: long(2) },
        { s: "é" },
        { d: 1.5 },
        { b: true },
      ],
    });
    const { row } = await client.getRow({ tableName: "t_rows", primaryKey: [{ id: "r1" }], maxVersions: 1 });
    const cells = Object.fromEntries(row.attributes.map((a: { columnName: string }) => [a.columnName, a]));
    expect(cells.data.columnValue).toEqual(Buffer.from([1, 2, 3]));
    expect(cells.flags.columnValue.toNumber()).toBe(2);
    expect(cells.s.columnValue).toBe("é");
    expect(cells.d.columnValue).toBe(1.5);
    expect(cells.b.columnValue).toBe(true);
    expect(cells.data.timestamp.toNumber()).toBeGreaterThanOrEqual(before);
    const missing = await client.getRow({
      tableName: "t_rows",
      primaryKey: [{ id: "nope" }],
      maxVersions: 1,
    });
    expect(missing.row).toEqual({});
    await client.deleteRow({ tableName: "t_rows", condition: ignore(), primaryKey: [{ id: "r1" }] });
    expect(
      (await client.getRow({ tableName: "t_rows", primaryKey: [{ id: "r1" }], maxVersions: 1 })).row,
    ).toEqual({});
  });

  it("a put overwrites the whole row; conditions: EXPECT_EXIST / EXPECT_NOT_EXIST → 403 OTSConditionCheckFail", async () => {
    await client.putRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "r2" }],
      attributeColumns: [{ a: "1" }, { b: "2" }],
    });
    await client.putRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "r2" }],
      attributeColumns: [{ a: "3" }],
    });
    const { row } = await client.getRow({ tableName: "t_rows", primaryKey: [{ id: "r2" }], maxVersions: 1 });
    expect(
      row.attributes.map((a: { columnName: string; columnValue: string }) => [a.columnName, a.columnValue]),
    ).toEqual([["a", "3"]]);
    const exist = new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_EXIST, null);
    const notExist = new TableStore.Condition(TableStore.RowExistenceExpectation.EXPECT_NOT_EXIST, null);
    expect(
      await failure(
        client.putRow({
          tableName: "t_rows",
          condition: notExist,
          primaryKey: [{ id: "r2" }],
          attributeColumns: [{ a: "x" }],
        }),
      ),
    ).toEqual([403, "OTSConditionCheckFail", "Condition check failed."]);
    expect(
      (
        await failure(client.deleteRow({ tableName: "t_rows", condition: exist, primaryKey: [{ id: "zz" }] }))
      )[1],
    ).toBe("OTSConditionCheckFail");
  });

  it("limits: a 2 MiB + 1 cell, a 1025-byte key, a key that does not match the schema", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1);
    expect(
      await failure(
        client.putRow({
          tableName: "t_rows",
          condition: ignore(),
          primaryKey: [{ id: "big" }],
          attributeColumns: [{ data: big }],
        }),
      ),
    ).toEqual([
      400,
      "OTSParameterInvalid",
      "The length of attribute column: 'data' exceeded the MaxLength:2097152 with CurrentLength:2097153.",
    ]);
    await client.putRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "max" }],
      attributeColumns: [{ data: big.subarray(1) }],
    });
    expect(
      (
        await failure(
          client.getRow({ tableName: "t_rows", primaryKey: [{ id: "k".repeat(1025) }], maxVersions: 1 }),
        )
      )[2],
    ).toMatch(/primary key column: 'id' exceeds the MaxLength:1024/);
    expect(
      await failure(client.getRow({ tableName: "t_rows", primaryKey: [{ other: "x" }], maxVersions: 1 })),
    ).toEqual([400, "OTSInvalidPK", "Primary key schema mismatch."]);
  });

  it("update row: put a column, delete one version, delete a column", async () => {
    await client.putRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "u1" }],
      attributeColumns: [{ a: "1" }, { b: "2" }],
    });
    await client.updateRow({
      tableName: "t_rows",
      condition: ignore(),
      primaryKey: [{ id: "u1" }],
      updateOfAttributeColumns: [{ PUT: [{ c: "3" }] }, { DELETE_ALL: ["a"] }],
    });
    const { row } = await client.getRow({ tableName: "t_rows", primaryKey: [{ id: "u1" }], maxVersions: 1 });
    expect(row.attributes.map((x: { columnName: string }) => x.columnName)).toEqual(["b", "c"]);
  });
});

describe("batches and ranges", () => {
  beforeAll(() => createTable("t_batch"));
  const key = (i: number) => `k${String(i).padStart(4, "0")}`;

  it("BatchWriteRow 200 rows, BatchGetRow 100 rows, in request order; 201 / 101 rows are refused", async () => {
    const put = (i: number) => ({
      type: "PUT",
      condition: ignore(),
      primaryKey: [{ id: key(i) }],
      attributeColumns: [{ v: long(i) }],
    });
    const w = await client.batchWriteRow({
      tables: [{ tableName: "t_batch", rows: Array.from({ length: 200 }, (_, i) => put(i)) }],
    });
    expect(w.tables).toHaveLength(200);
    expect(w.tables.every((r: { isOk: boolean }) => r.isOk)).toBe(true);
    expect(
      await failure(
        client.batchWriteRow({
          tables: [{ tableName: "t_batch", rows: Array.from({ length: 201 }, (_, i) => put(i)) }],
        }),
      ),
    ).toEqual([400, "OTSParameterInvalid", "Rows count exceeds the upper limit: 200."]);
    const ids = Array.from({ length: 100 }, (_, i) => [{ id: key(199 - i) }]);
    const g = await client.batchGetRow({
      tables: [{ tableName: "t_batch", primaryKey: ids, maxVersions: 1 }],
    });
    expect(g.tables[0].map((r: { primaryKey: Array<{ value: string }> }) => r.primaryKey[0]!.value)).toEqual(
      ids.map((k) => k[0]!.id),
    );
    expect(
      await failure(
        client.batchGetRow({
          tables: [{ tableName: "t_batch", primaryKey: [...ids, [{ id: "x" }]], maxVersions: 1 }],
        }),
      ),
    ).toEqual([400, "OTSParameterInvalid", "Rows count exceeds the upper limit: 100."]);
  });

  it("per-row failures in a batch: a missing table or a wrong key fails its rows only", async () => {
    const g = await client.batchGetRow({
      tables: [
        { tableName: "t_batch", primaryKey: [[{ id: key(1) }], [{ wrong: "x" }]], maxVersions: 1 },
        { tableName: "t_missing", primaryKey: [[{ id: "a" }]], maxVersions: 1 },
      ],
    });
    expect(
      g.tables.map((t: Array<{ isOk: boolean; errorCode: string }>) => t.map((r) => [r.isOk, r.errorCode])),
    ).toEqual([
      [
        [true, null],
        [false, "OTSInvalidPK"],
      ],
      [[false, "OTSObjectNotExist"]],
    ]);
  });

  it("injected row faults fail the rows they name; the others are applied", async () => {
    await tablestoreControl(server.endpoint).addFaults({
      api: "BatchWriteRow",
      code: "OTSRowOperationConflict",
      rows: [1],
    });
    const w = await client.batchWriteRow({
      tables: [
        {
          tableName: "t_batch",
          rows: [0, 1, 2].map((i) => ({ type: "DELETE", condition: ignore(), primaryKey: [{ id: key(i) }] })),
        },
      ],
    });
    expect(w.tables.map((r: { isOk: boolean; errorCode: string }) => [r.isOk, r.errorCode])).toEqual([
      [true, null],
      [false, "OTSRowOperationConflict"],
      [true, null],
    ]);
  });

  it("GetRange forward and backward with a limit, and the next start key", async () => {
    const first = await client.getRange({
      tableName: "t_batch",
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ id: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
      limit: 5,
    });
    expect(first.rows.map((r: { primaryKey: Array<{ value: string }> }) => r.primaryKey[0]!.value)).toEqual([
      key(1),
      key(3),
      key(4),
      key(5),
      key(6),
    ]);
    expect(first.nextStartPrimaryKey[0].value).toBe(key(7));
    const back = await client.getRange({
      tableName: "t_batch",
      direction: TableStore.Direction.BACKWARD,
      inclusiveStartPrimaryKey: [{ id: TableStore.INF_MAX }],
      exclusiveEndPrimaryKey: [{ id: key(197) }],
    });
    expect(back.rows.map((r: { primaryKey: Array<{ value: string }> }) => r.primaryKey[0]!.value)).toEqual([
      key(199),
      key(198),
    ]);
    expect(back.nextStartPrimaryKey).toBeNull();
  });
});

describe("what a read returns: columns_to_get and time_range", () => {
  const ids = (rows: Array<{ primaryKey: Array<{ value: string }> }>) =>
    rows.map((r) => r.primaryKey[0]!.value);
  const range = (over: Record<string, unknown>) =>
    client.getRange({
      tableName: "t_cols",
      direction: TableStore.Direction.FORWARD,
      inclusiveStartPrimaryKey: [{ id: TableStore.INF_MIN }],
      exclusiveEndPrimaryKey: [{ id: TableStore.INF_MAX }],
      ...over,
    });
  let writtenAt = 0;

  beforeAll(async () => {
    await createTable("t_cols");
    const put = (id: string, attributeColumns: unknown[]) =>
      client.putRow({ tableName: "t_cols", condition: ignore(), primaryKey: [{ id }], attributeColumns });
    await put("a-flagged", [{ data: Buffer.from("x") }, { flags: long(2) }]);
    await put("b-raw", [{ data: Buffer.from("y") }]);
    await put("c-key-only", []);
    writtenAt = Date.now();
  });

  it("a primary-key name in columns_to_get returns every row with its key, and the named attributes it has", async () => {
    const keys = await range({ columnsToGet: ["id"] });
    expect(ids(keys.rows)).toEqual(["a-flagged", "b-raw", "c-key-only"]);
    expect(keys.rows.map((r: { attributes: unknown[] }) => r.attributes.length)).toEqual([0, 0, 0]);
    const withFlags = await range({ columnsToGet: ["id", "flags"] });
    expect(ids(withFlags.rows)).toEqual(["a-flagged", "b-raw", "c-key-only"]);
    const flags = withFlags.rows[0].attributes[0];
    expect([flags.columnName, flags.columnValue.toNumber()]).toEqual(["flags", 2]);
    expect(Math.abs(flags.timestamp.toNumber() - writtenAt)).toBeLessThan(5_000);
    expect(withFlags.rows[1].attributes).toEqual([]);
  });

  it("attributes only: a row holding none of them is not returned; read whole, a key-only row is its key", async () => {
    expect(ids((await range({ columnsToGet: ["flags"] })).rows)).toEqual(["a-flagged"]);
    expect(ids((await range({})).rows)).toEqual(["a-flagged", "b-raw", "c-key-only"]);
  });

  it("time_range [start, end): a row without a version in it is not returned (GetRange and BatchGetRow)", async () => {
    const hour = 3_600_000;
    const inside = await range({ timeRange: { startTime: writtenAt - hour, endTime: writtenAt + hour } });
    expect(ids(inside.rows)).toEqual(["a-flagged", "b-raw"]);
    expect(
      ids((await range({ timeRange: { startTime: writtenAt + hour, endTime: writtenAt + 2 * hour } })).rows),
    ).toEqual([]);
    const batch = await client.batchGetRow({
      tables: [
        {
          tableName: "t_cols",
          primaryKey: [[{ id: "a-flagged" }], [{ id: "b-raw" }], [{ id: "c-key-only" }]],
          columnsToGet: ["data"],
          timeRange: { startTime: 0, endTime: writtenAt + hour },
        },
      ],
    });
    expect(
      batch.tables[0].map(
        (r: { primaryKey: unknown }) => r.primaryKey !== null && r.primaryKey !== undefined,
      ),
    ).toEqual([true, true, false]);
    const before = await client.batchGetRow({
      tables: [
        {
          tableName: "t_cols",
          primaryKey: [[{ id: "b-raw" }]],
          columnsToGet: ["data"],
          timeRange: { startTime: 0, endTime: writtenAt - hour },
        },
      ],
    });
    expect(before.tables[0][0].attributes ?? []).toEqual([]);
  });
});

describe("authentication and transport (what both SDKs send and check)", () => {
  /** A request signed as both SDKs sign it (V2), with parts to tamper with. */
  async function raw(
    api: string,
    body: Buffer,
    tamper: { headers?: Record<string, string>; secret?: string; method?: string } = {},
  ) {
    const headers: Record<string, string> = {
      "x-ots-date": new Date().toISOString(),
      "x-ots-apiversion": "2015-12-31",
      "x-ots-accesskeyid": server.accessKeyId,
      "x-ots-instancename": server.instance,
      "x-ots-contentmd5": createHash("md5").update(body).digest("base64"),
      ...tamper.headers,
    };
    const canonical = Object.entries(headers)
      .filter(([k]) => k.startsWith("x-ots-"))
      .map(([k, v]) => `${k}:${v}`)
      .sort()
      .join("\n");
    headers["x-ots-signature"] = createHmac("sha1", tamper.secret ?? server.accessKeySecret)
      .update(`/${api}\nPOST\n\n${canonical}\n`)
      .digest("base64");
    const res = await fetch(`${server.endpoint}/${api}`, {
      method: tamper.method ?? "POST",
      headers,
      body: tamper.method === "GET" ? undefined : body,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, text: bytes.toString("latin1") };
  }

  it("a correctly signed request passes; the response carries md5, date, request id, content type and its signature", async () => {
    const r = await raw("ListTable", Buffer.alloc(0));
    expect(r.status).toBe(200);
    expect(r.headers.get("x-ots-contentmd5")).toBe(
      createHash("md5").update(Buffer.from(r.text, "latin1")).digest("base64"),
    );
    expect(r.headers.get("x-ots-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Date.parse(r.headers.get("x-ots-date")!) - Date.now())).toBeLessThan(60_000);
    expect(r.headers.get("x-ots-contenttype")).toBe("protocol buffer");
    const canonical = ["x-ots-contentmd5", "x-ots-contenttype", "x-ots-date", "x-ots-requestid"]
      .map((h) => `${h}:${r.headers.get(h)}`)
      .join("\n");
    const sig = createHmac("sha1", server.accessKeySecret)
      .update(`${canonical}\n/ListTable`)
      .digest("base64");
    expect(r.headers.get("authorization")).toBe(`OTS ${server.accessKeyId}:${sig}`);
  });

  it("refuses a wrong signature, body MD5, clock skew, unknown key, unknown instance, missing header, GET, unknown API", async () => {
    const body = Buffer.alloc(0);
    expect((await raw("ListTable", body, { secret: "nope" })).text).toContain(
      "OTSAuthFailed\x12\x13Signature mismatch.",
    );
    expect(
      (await raw("ListTable", body, { headers: { "x-ots-contentmd5": "AAAAAAAAAAAAAAAAAAAAAA==" } })).text,
    ).toContain("Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
    const old = new Date(Date.now() - 16 * 60_000).toISOString();
    const skew = await raw("ListTable", body, { headers: { "x-ots-date": old } });
    expect([skew.status, skew.text.includes(`Mismatch between system time and x-ots-date: ${old}.`)]).toEqual(
      [403, true],
    );
    expect((await raw("ListTable", body, { headers: { "x-ots-accesskeyid": "ghost" } })).text).toContain(
      "The AccessKeyID does not exist.",
    );
    expect((await raw("ListTable", body, { headers: { "x-ots-instancename": "other" } })).text).toContain(
      "The instance is not found.",
    );
    const res = await fetch(`${server.endpoint}/ListTable`, { method: "POST", body });
    expect([
      res.status,
      Buffer.from(await res.arrayBuffer())
        .toString("latin1")
        .includes("Missing header: 'x-ots-date'."),
    ]).toEqual([400, true]);
    expect((await raw("ListTable", body, { method: "GET" })).status).toBe(405);
    expect((await raw("DropEverything", body)).text).toContain("Unsupported operation: 'DropEverything'.");
  });

  it("STS tokens: the npm SDK's token is checked; a missing or wrong one is refused", async () => {
    const sts = (stsToken?: string) =>
      sdk({ accessKeyId: "STS.temp", secretAccessKey: "temp-secret", ...(stsToken ? { stsToken } : {}) });
    expect((await sts("token-1").listTable({})).tableNames).toBeInstanceOf(Array);
    expect((await failure(sts("token-2").listTable({})))[1]).toBe("OTSAuthFailed");
    expect((await failure(sts().listTable({})))[1]).toBe("OTSAuthFailed");
  });

  it("a wrong secret through the SDK: 403 OTSAuthFailed", async () => {
    expect(await failure(sdk({ secretAccessKey: "wrong" }).listTable({}))).toEqual([
      403,
      "OTSAuthFailed",
      "Signature mismatch.",
    ]);
  });
});
