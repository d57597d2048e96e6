import { describe, expect, it } from "vitest";
import { decodeNodeData, encodeNodeData, parseNodeData } from "../src/format/index.js";
import { latin1, untag } from "./helpers/codec-values.js";
import { bytesOf, goldenRows } from "./helpers/golden.js";

const encodeRows = goldenRows.filter((r) => r.kind === "encode");
const decodeRows = goldenRows.filter((r) => r.kind === "decode");
const roundtripRows = goldenRows.filter((r) => r.roundtrip === true);

describe("golden vectors", () => {
  it("has every row (a silently empty fixture must fail)", () => {
    expect(goldenRows).toHaveLength(65);
    expect(encodeRows).toHaveLength(47);
    expect(decodeRows).toHaveLength(18);
    expect(roundtripRows).toHaveLength(8);
  });

  describe.each(encodeRows.map((r) => [r.name, r] as const))("encode row %s", (_name, row) => {
    const subkeys = row.subkeys ?? [];
    it("encodes byte for byte", () => {
      expect(latin1(encodeNodeData(row.main, subkeys))).toBe(row.encoded);
    });
    it("decodes main and every subkey", () => {
      const bytes = bytesOf(row);
      expect(decodeNodeData(bytes)).toEqual(row.main);
      for (const [name, value] of subkeys) expect(decodeNodeData(bytes, name)).toEqual(value);
      expect(parseNodeData(bytes)).toEqual({ main: row.main, subkeys });
    });
    it("re-encodes its lossless parse byte for byte", () => {
      const parsed = parseNodeData(bytesOf(row), { lossless: true });
      expect(latin1(encodeNodeData(parsed.main, parsed.subkeys))).toBe(row.encoded);
    });
  });

  describe.each(decodeRows.map((r) => [r.name, r] as const))("decode row %s", (_name, row) => {
    it("decodes like Sentry's reader", () => {
      const bytes = bytesOf(row);
      if ("expected" in row) {
        expect(decodeNodeData(bytes, row.subkey ?? null)).toEqual(untag(row.expected));
      } else {
        // Built from a full record: main and every subkey.
        expect(decodeNodeData(bytes)).toEqual(untag(row.main));
        const subkeys = (row.subkeys ?? []).map(([name, value]) => [name, untag(value)] as [string, unknown]);
        for (const [name, value] of subkeys) expect(decodeNodeData(bytes, name)).toEqual(value);
        expect(parseNodeData(bytes)).toEqual({ main: untag(row.main), subkeys });
      }
    });
  });

  describe.each(roundtripRows.map((r) => [r.name, r] as const))("roundtrip row %s", (_name, row) => {
    it("re-encodes its lossless parse byte for byte", () => {
      const parsed = parseNodeData(bytesOf(row), { lossless: true });
      expect(latin1(encodeNodeData(...(Object.values(parsed) as [unknown, never])))).toBe(row.encoded);
    });
  });

  it("decode rows built from full records (Python-written) also re-encode losslessly", () => {
    const full = decodeRows.filter((r) => !("expected" in r));
    expect(full.length).toBe(5);
    for (const row of full) {
      const parsed = parseNodeData(bytesOf(row), { lossless: true });
      expect(latin1(encodeNodeData(parsed.main, parsed.subkeys))).toBe(row.encoded);
    }
  });
});
