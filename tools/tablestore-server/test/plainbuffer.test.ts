// PlainBuffer against the official npm SDK's own encoder and decoder (the same module the clients use): rows the
// SDK builds parse here with every checksum verified, rows written here parse in the SDK, and a flipped byte is
// refused with the service's error.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { decodeRow, encodeRow, encodeRows, OtsError } from "../src/index.js";

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: the SDK ships no types
const TableStore: any = require("tablestore");
const Builder = TableStore.PlainBufferBuilder;

// biome-ignore lint/suspicious/noExplicitAny: see above
function sdkRead(bytes: Buffer, many = false): any {
  // The SDK's input stream reads { buffer, offset, limit } (what its decoder makes of a protobuf bytes field).
  const input = new TableStore.PlainBufferInputStream({ buffer: bytes, offset: 0, limit: bytes.length });
  const stream = new TableStore.PlainBufferCodedInputStream(input);
  return many ? stream.readRows() : stream.readRow();
}

/** A request row read back as a row to write (values only). */
function decodeRowAsPlain(bytes: Buffer) {
  const row = decodeRow(bytes);
  return { pk: row.pk, cells: row.cells.map((c) => ({ name: c.name, value: c.value! })) };
}

function refusal(fn: () => unknown): OtsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OtsError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("PlainBuffer", () => {
  it("parses a PutRow row the SDK built: primary key, BINARY, STRING, INTEGER, DOUBLE, BOOLEAN cells, timestamps", () => {
    const ts = TableStore.Long.fromNumber(1_700_000_000_123);
    const bytes = Builder.serializeForPutRow(
      [{ id: "node-1" }, { n: TableStore.Long.fromNumber(-5) }],
      [
        { data: Buffer.from([0, 1, 2, 255]) },
        { text: "héllo" },
        { flags: TableStore.Long.fromNumber(2) },
        { ratio: 0.25 },
        { ok: true, timestamp: ts },
      ],
    );
    const row = decodeRow(bytes);
    expect(row.deleteMarker).toBe(false);
    expect(row.pk).toEqual([
      { name: "id", value: { type: "STRING", value: Buffer.from("node-1") } },
      { name: "n", value: { type: "INTEGER", value: -5n } },
    ]);
    expect(row.cells).toEqual([
      { name: "data", value: { type: "BLOB", value: Buffer.from([0, 1, 2, 255]) } },
      { name: "text", value: { type: "STRING", value: Buffer.from("héllo") } },
      { name: "flags", value: { type: "INTEGER", value: 2n } },
      { name: "ratio", value: { type: "DOUBLE", value: 0.25 } },
      { name: "ok", value: { type: "BOOLEAN", value: true }, ts: 1_700_000_000_123n },
    ]);
  });

  it("parses a DeleteRow key (delete marker) and a GetRange bound with INF_MIN (and the SDK's extra zero byte)", () => {
    expect(decodeRow(Builder.serializeForDeleteRow([{ id: "x" }])).deleteMarker).toBe(true);
    const bound = Builder.serializePrimaryKey([{ id: TableStore.INF_MIN }]);
    expect(bound.at(-1)).toBe(0);
    expect(decodeRow(bound).pk).toEqual([{ name: "id", value: { type: "INF_MIN" } }]);
  });

  it("parses an UpdateRow row with DELETE_ONE_VERSION / DELETE_ALL_VERSION cells (checksum: timestamp, then op)", () => {
    const bytes = Builder.serializeForUpdateRow(
      [{ id: "x" }],
      [{ PUT: [{ a: "v" }] }, { DELETE: [{ b: TableStore.Long.fromNumber(7) }] }, { DELETE_ALL: ["c"] }],
    );
    const row = decodeRow(bytes);
    expect(row.cells.map((c) => [c.name, c.op, c.ts])).toEqual([
      ["a", undefined, undefined],
      ["b", 3, 7n],
      ["c", 1, undefined],
    ]);
  });

  it("rows written here parse in the SDK, checksums included; GetRange rows share one header", () => {
    const row = {
      pk: [{ name: "id", value: { type: "STRING" as const, value: Buffer.from("é1") } }],
      cells: [
        {
          name: "data",
          value: { type: "BLOB" as const, value: Buffer.from([9, 8, 7]) },
          ts: 1_700_000_000_000n,
        },
        { name: "flags", value: { type: "INTEGER" as const, value: 1n }, ts: 1_700_000_000_000n },
        { name: "d", value: { type: "DOUBLE" as const, value: -1.5 }, ts: 1n },
        { name: "b", value: { type: "BOOLEAN" as const, value: false }, ts: 1n },
      ],
    };
    const one = sdkRead(encodeRow(row));
    expect(one.primaryKey).toEqual([{ name: "id", value: "é1" }]);
    expect(one.attributes.map((a: { columnName: string }) => a.columnName)).toEqual([
      "data",
      "flags",
      "d",
      "b",
    ]);
    expect(one.attributes[0].columnValue).toEqual(Buffer.from([9, 8, 7]));
    expect(one.attributes[1].columnValue.toNumber()).toBe(1);
    expect(one.attributes[1].timestamp.toNumber()).toBe(1_700_000_000_000);
    expect(one.attributes[2].columnValue).toBe(-1.5);
    expect(one.attributes[3].columnValue).toBe(false);
    expect(sdkRead(encodeRows([row, row, { pk: row.pk }]), true)).toHaveLength(3);
    expect(encodeRows([])).toHaveLength(0);
  });

  it("refuses a flipped byte anywhere: checksum mismatch or malformed data, as OTSParameterInvalid (400)", () => {
    const bytes: Buffer = Builder.serializeForPutRow([{ id: "node-1" }], [{ data: Buffer.from("payload") }]);
    for (let i = 4; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i] = bad[i]! ^ 0x01;
      let error: unknown;
      try {
        decodeRow(bad);
      } catch (e) {
        error = e;
      }
      expect(error, `byte ${i}`).toBeInstanceOf(OtsError);
      expect((error as OtsError).status).toBe(400);
      expect((error as OtsError).code).toBe("OTSParameterInvalid");
    }
  });

  it("names what is wrong: header, missing checksums, truncation, non-UTF-8 STRING", () => {
    const good: Buffer = Builder.serializeForPutRow([{ id: "a" }], [{ s: "x" }]);
    const header = Buffer.from(good);
    header[0] = 0x76;
    expect(refusal(() => decodeRow(header)).message).toBe(
      "Cell data broken, mismatch header, actual: 118, expect: 117.",
    );
    expect(refusal(() => decodeRow(good.subarray(0, good.length - 2))).message).toBe(
      "Invalid row: missing checksum.",
    );
    expect(refusal(() => decodeRow(good.subarray(0, 12))).message).toMatch(/shorter than expect/);
    const bytes = Builder.serializeForPutRow([{ id: "a" }], [{ s: Buffer.from([0xff]) }]);
    // Turn the BLOB into a STRING holding 0xff, fixing the checksums the way a writer would.
    const asString = encodeRow({
      pk: [{ name: "id", value: { type: "STRING", value: Buffer.from("a") } }],
      cells: [{ name: "s", value: { type: "STRING", value: Buffer.from([0xff]) } }],
    });
    expect(decodeRow(bytes).cells[0]?.value).toEqual({ type: "BLOB", value: Buffer.from([0xff]) });
    expect(refusal(() => decodeRow(asString)).message).toBe("Value of column 's' must be UTF8 encoding.");
  });

  it("CRC-8 (poly 0x07, init 0): a one-byte STRING cell's checksum, worked by hand, is what the SDK writes", () => {
    // Cell "k" = "v": crc over the name "k", the type byte 3, the length 1 as 4 bytes, then "v".
    const table = Array.from({ length: 256 }, (_, i) => {
      let c = i;
      for (let b = 0; b < 8; b++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
      return c;
    });
    const crc = [..."k"]
      .map((ch) => ch.charCodeAt(0))
      .concat([3, 1, 0, 0, 0, "v".charCodeAt(0)])
      .reduce((c, b) => table[(c ^ b) & 0xff]!, 0);
    const bytes: Buffer = Builder.serializeForPutRow([{ id: "a" }], [{ k: "v" }]);
    // The cell checksum is the byte after the attribute cell's CELL_CHECKSUM tag (0x0a), before the row's (0x09).
    expect(bytes[bytes.length - 3]).toBe(crc);
    expect(encodeRow(decodeRowAsPlain(bytes))[bytes.length - 3]).toBe(crc);
  });
});
