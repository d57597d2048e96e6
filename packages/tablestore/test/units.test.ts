// Without a server: options as the plugin takes them, the SDK's error text taken apart, batch chunking, row
// decoding (STRING data, missing flags, read-side TTL).
import {
  BackendError,
  BackendUnavailableError,
  CorruptNodeError,
  compression,
  InvalidArgumentError,
} from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { type WriteItem, writeChunks } from "../src/batch.js";
import { parseSdkError, toTypedError } from "../src/errors.js";
import { LIMITS, TablestoreBackend } from "../src/index.js";
import { resolveTablestoreOptions } from "../src/options.js";
import { decodeRow } from "../src/row.js";
import { int64 } from "../src/sdk.js";

const base = { endpoint: "http://127.0.0.1:1", accessKeyId: "id", accessKeySecret: "secret" };

describe("options", () => {
  it("defaults as the plugin: instance sentry, table nodestore, no compression, TTL -1", () => {
    const o = resolveTablestoreOptions(base);
    expect(o).toMatchObject({
      instance: "sentry",
      table: "nodestore",
      compression: undefined,
      automaticExpiry: false,
    });
    expect(o.reserved).toEqual({ read: 0, write: 0 });
    expect([o.readBatch, o.writeBatch, o.connectTimeoutMs, o.requestTimeoutMs, o.retryAttempts]).toEqual([
      100, 200, 5000, 30000, 3,
    ]);
  });

  it("compression: true is zlib, 'zstd' is zstd, false is none, anything else is refused", () => {
    expect(resolveTablestoreOptions({ ...base, compression: true }).compression).toBe("zlib");
    expect(resolveTablestoreOptions({ ...base, compression: "zstd" }).compression).toBe("zstd");
    expect(resolveTablestoreOptions({ ...base, compression: false }).compression).toBeUndefined();
    expect(() => resolveTablestoreOptions({ ...base, compression: "lz4" as never })).toThrow(
      InvalidArgumentError,
    );
  });

  it("automaticExpiry needs a defaultTtl of at least one day (the plugin: AttributeError / the service: refused)", () => {
    expect(() => resolveTablestoreOptions({ ...base, automaticExpiry: true })).toThrow(/needs defaultTtl/);
    expect(() => resolveTablestoreOptions({ ...base, automaticExpiry: true, defaultTtl: 3600 })).toThrow(
      /at least 86400/,
    );
    expect(resolveTablestoreOptions({ ...base, defaultTtl: 3600 }).defaultTtl).toBe(3600);
  });

  it("batch sizes above Tablestore's limits, bad tables, endpoints and missing credentials are refused at construction", () => {
    expect(() => resolveTablestoreOptions({ ...base, readBatchSize: 101 })).toThrow(/at most 100/);
    expect(() => resolveTablestoreOptions({ ...base, writeBatchSize: 201 })).toThrow(/at most 200/);
    expect(() => resolveTablestoreOptions({ ...base, table: "1bad-name" })).toThrow(InvalidArgumentError);
    expect(() =>
      resolveTablestoreOptions({ ...base, endpoint: "sentry.cn-hangzhou.ots.aliyuncs.com" }),
    ).toThrow(/http/);
    expect(() => resolveTablestoreOptions({ ...base, accessKeySecret: "" })).toThrow(/accessKeySecret/);
    expect(() => new TablestoreBackend({ ...base, requestTimeoutMs: 0 })).toThrow(RangeError);
  });
});

describe("the npm SDK's errors", () => {
  const httpError = (status: number, code: string, message: string) =>
    Object.assign(
      new Error(
        `\n${String.fromCharCode(code.length)}${code}\x12${String.fromCharCode(message.length)}${message} requestId:abc-123`,
      ),
      { code: status },
    );
  const ctx = { operation: "read", id: "n1", table: "nodestore", requestTimeoutMs: 1000 };

  it("takes the protobuf Error body apart: code, message, status, request id", () => {
    expect(parseSdkError(httpError(404, "OTSObjectNotExist", "Requested table does not exist."))).toEqual({
      status: 404,
      code: "OTSObjectNotExist",
      message: "Requested table does not exist.",
      requestId: "abc-123",
    });
  });

  it("retryable codes are BackendUnavailableError; others BackendError with a hint; transport failures are unavailable", () => {
    expect(
      toTypedError("tablestore", httpError(503, "OTSServerBusy", "Server is busy."), ctx),
    ).toBeInstanceOf(BackendUnavailableError);
    const quota = toTypedError(
      "tablestore",
      httpError(403, "OTSQuotaExhausted", "Too frequent table operations."),
      ctx,
    );
    expect(quota.retryable).toBe(true);
    const tables = toTypedError(
      "tablestore",
      httpError(403, "OTSQuotaExhausted", "Number of tables exceeded the quota."),
      ctx,
    );
    expect(tables).toBeInstanceOf(BackendError);
    const missing = toTypedError(
      "tablestore",
      httpError(404, "OTSObjectNotExist", "Requested table does not exist."),
      ctx,
    );
    expect(missing.message).toMatch(/node "n1".*OTSObjectNotExist.*request abc-123.*bootstrap/);
    const net = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "NetworkingError" });
    expect(toTypedError("tablestore", net, ctx)).toBeInstanceOf(BackendUnavailableError);
    const timeout = Object.assign(new Error("Connection timed out after 1000ms"), { code: "TimeoutError" });
    expect(toTypedError("tablestore", timeout, ctx).message).toMatch(/timed out after 1000 ms/);
    const decode = new Error("Checksum mismatch.");
    expect(toTypedError("tablestore", decode, ctx)).toBeInstanceOf(BackendError);
  });
});

describe("batch chunks", () => {
  const item = (size: number): WriteItem => ({
    id: "x",
    type: "PUT",
    condition: {} as never,
    primaryKey: [{ id: "x" }],
    size,
  });

  it("at most writeBatchSize rows and 4 MiB of data per BatchWriteRow", () => {
    expect(
      writeChunks(
        Array.from({ length: 450 }, () => item(10)),
        200,
      ).map((c) => c.length),
    ).toEqual([200, 200, 50]);
    const big = LIMITS.batchWriteBytes / 2 - 100;
    expect(
      writeChunks(
        Array.from({ length: 5 }, () => item(big)),
        200,
      ).map((c) => c.length),
    ).toEqual([2, 2, 1]);
  });
});

describe("rows read back", () => {
  const opts = { backend: "tablestore", defaultTtl: undefined, maxValueBytes: 1 << 20, now: Date.now() };
  const ts = int64(Date.now());
  const attr = (columnName: string, columnValue: unknown) => ({
    columnName,
    columnValue: columnValue as never,
    timestamp: ts,
  });

  it("BINARY data with flags 1/2, STRING data and no flags, no row and no data column", () => {
    const raw = Buffer.from('{"a":1}');
    expect(
      Buffer.from(
        decodeRow(
          "i",
          {
            attributes: [attr("data", Buffer.from(compression.zlib.compress(raw))), attr("flags", int64(1))],
          },
          opts,
        )!,
      ),
    ).toEqual(raw);
    expect(
      Buffer.from(
        decodeRow(
          "i",
          {
            attributes: [attr("data", Buffer.from(compression.zstd.compress(raw))), attr("flags", int64(2))],
          },
          opts,
        )!,
      ),
    ).toEqual(raw);
    expect(Buffer.from(decodeRow("i", { attributes: [attr("data", '{"a":1}')] }, opts)!)).toEqual(raw);
    expect(decodeRow("i", {}, opts)).toBeNull();
    expect(decodeRow("i", { attributes: [attr("flags", int64(1))] }, opts)).toBeNull();
  });

  it("unknown flags and a data column of another type are CorruptNodeError naming the node", () => {
    const e = (() => {
      try {
        decodeRow("node-7", { attributes: [attr("data", Buffer.from("x")), attr("flags", int64(8))] }, opts);
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(CorruptNodeError);
    expect((e as CorruptNodeError).message).toContain("node-7");
  });

  it("with defaultTtl, a data cell older than it reads as missing", () => {
    const old = { columnName: "data", columnValue: Buffer.from("{}"), timestamp: int64(Date.now() - 61_000) };
    expect(decodeRow("i", { attributes: [old] }, { ...opts, defaultTtl: 60 })).toBeNull();
    expect(decodeRow("i", { attributes: [old] }, { ...opts, defaultTtl: 120 })).not.toBeNull();
  });
});
