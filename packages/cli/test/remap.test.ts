import { Buffer } from "node:buffer";
import { encodeNodeData, parseNodeData } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { CliError } from "../src/exit-codes.js";
import { collectRemap, remapNode, remapPairs } from "../src/remap/remap.js";
import { eventNode, md5 } from "./helpers-engine/index.js";

const map = new Map([["3", "7"]]);

describe("remapNode", () => {
  it("rewrites only the _ref digits and moves the node to md5(NEW:event_id)", () => {
    const { id, eventId, bytes } = eventNode(3);
    const result = remapNode(id, bytes, map);
    expect(result.kind).toBe("remapped");
    if (result.kind !== "remapped") return;
    expect(result.id).toBe(md5(`7:${eventId}`));
    const before = Buffer.from(bytes).toString("latin1");
    const after = Buffer.from(result.bytes).toString("latin1");
    expect(before).toContain('"_ref":3,');
    expect(after).toBe(before.replace('"_ref":3,', '"_ref":7,'));
    const parsed = parseNodeData(result.bytes);
    expect((parsed.main as Record<string, unknown>)._ref).toBe(7);
    expect((parsed.main as Record<string, unknown>)._ref_version).toBe(2);
    expect(parsed.subkeys).toEqual([["unprocessed", { x: [1, 2, 3], y: "z" }]]);
  });

  it("keeps integral floats, big ints, non-ASCII and odd subkey bytes exactly", () => {
    const eventId = "0123456789abcdef0123456789abcdef";
    const main = Buffer.from(
      `{"_ref":12,"_ref_version":2,"big":123456789012345678901234567890,"event_id":"${eventId}","f":1.0,"s":"\\u00e9\\ud83d\\ude00"}`,
      "latin1",
    );
    const rest = Buffer.from('\r\n weird name \n{"k":-0.0}\nunprocessed\n[1e+16]', "latin1");
    const bytes = Buffer.concat([main, rest]);
    const result = remapNode(md5(`12:${eventId}`), bytes, new Map([["12", "123456"]]));
    expect(result.kind).toBe("remapped");
    if (result.kind !== "remapped") return;
    expect(result.id).toBe(md5(`123456:${eventId}`));
    expect(Buffer.from(result.bytes).toString("latin1")).toBe(
      Buffer.concat([
        Buffer.from(main.toString("latin1").replace('"_ref":12,', '"_ref":123456,'), "latin1"),
        rest,
      ]).toString("latin1"),
    );
  });

  it("leaves an id that is not md5(_ref:event_id) untouched", () => {
    const { bytes } = eventNode(3);
    expect(remapNode(md5("something else"), bytes, map)).toEqual({ kind: "unchanged" });
    expect(remapNode(`i-o:${md5("x")}`, bytes, map)).toEqual({ kind: "unchanged" });
  });

  it("leaves other projects, non-JSON and id-less nodes untouched", () => {
    const other = eventNode(4);
    expect(remapNode(other.id, other.bytes, map)).toEqual({ kind: "unchanged" });
    expect(remapNode(md5("x"), Buffer.from("\x80\x04pickle"), map)).toEqual({ kind: "unchanged" });
    expect(remapNode(md5("x"), encodeNodeData({ a: 1 }), map)).toEqual({ kind: "unchanged" });
    expect(remapNode(md5("x"), Buffer.from("{not json"), map)).toEqual({ kind: "unchanged" });
  });

  it("refuses (fails) an event node whose main JSON is not canonical, rather than changing other bytes", () => {
    const eventId = "0123456789abcdef0123456789abcdef";
    const bytes = Buffer.from(`{"event_id":"${eventId}", "_ref":3}`);
    const result = remapNode(md5(`3:${eventId}`), bytes, map);
    expect(result.kind).toBe("failed");
  });
});

describe("--remap-project parsing", () => {
  it("collects pairs and sorts them for the checkpoint", () => {
    let m = collectRemap("10:2", undefined);
    m = collectRemap("3:07", m);
    expect(remapPairs(m)).toEqual([
      ["3", "7"],
      ["10", "2"],
    ]);
  });
  it.each(["3", "a:b", "-1:2", "3:3", "1:2:3"])("rejects %s", (text) => {
    expect(() => collectRemap(text, undefined)).toThrow(CliError);
  });
  it("rejects the same OLD twice", () => {
    expect(() => collectRemap("3:5", collectRemap("3:7", undefined))).toThrow(/twice/);
  });
});
