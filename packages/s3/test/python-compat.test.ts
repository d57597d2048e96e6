// Cross-implementation: the Python plugin (compat/ref.py s3: getsentry/sentry-nodestore-s3's code with boto3 and
// python-zstandard as Sentry pins them) and this package on the same bucket, both directions, every layout.

import { PutObjectCommand } from "@aws-sdk/client-s3";
// Not exported by @nodestore/conformance (yet): read from its source.
import { goldenPayloads } from "@nodestore/conformance";
import { CorruptNodeError, compression, eventNodeId, NodeStore } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Backend } from "../src/index.js";
import {
  backendFor,
  clientOptions,
  hex,
  inBatches,
  type RefCli,
  refCli,
  refLayoutArgs,
  runId,
  type S3Target,
  s3Targets,
  scratchBucket,
  utf8,
} from "./helpers.js";

interface Layout {
  readonly label: string;
  readonly bucketPath: string | null;
  readonly sharding?: boolean;
  readonly fallback?: boolean;
}

const layouts: Layout[] = [
  { label: 'prefix "nodestore" (self-hosted)', bucketPath: "nodestore" },
  { label: "no prefix", bucketPath: null },
  { label: "prefix + sharding", bucketPath: "ns", sharding: true },
  { label: "no prefix + sharding with fallback", bucketPath: null, sharding: true, fallback: true },
];

interface Item {
  readonly id: string;
  readonly bytes: Uint8Array;
  /** The decoded main value, for JSON payloads. */
  readonly main?: unknown;
  readonly zstd: boolean;
}

function items(): Item[] {
  const run = runId();
  let n = 0;
  const id = () => eventNodeId(7, `${run}${String(n++).padStart(32 - run.length, "0")}`);
  const bigMain = { event_id: run, frames: Array.from({ length: 200 }, (_, i) => `frame ${i} é 😀`) };
  const golden = goldenPayloads.filter((g) =>
    ["minimal_event", "seed_worked_example", "escapes", "random_event_20"].includes(g.name),
  );
  const list = [
    { id: id(), bytes: utf8(JSON.stringify(bigMain)), main: bigMain as unknown },
    { id: id(), bytes: utf8("{}"), main: {} },
    { id: `i-o:${id()}`, bytes: utf8('{"a":1}'), main: { a: 1 } },
    ...golden.map((g) => ({ id: id(), bytes: g.bytes, main: g.main })),
  ];
  return list.map((p) => ({
    ...p,
    zstd: compression.zstd.compress(p.bytes).byteLength <= p.bytes.byteLength,
  }));
}

/** Bytes no JSON reader accepts, compressible (zstd) and not (raw). */
function binaries(): Item[] {
  const run = runId();
  return [
    Uint8Array.from({ length: 600 }, (_, i) => (i * 37) % 256),
    Uint8Array.from([0x00, 0xff, 0x28, 0xb5]),
  ].map((bytes, i) => ({
    id: eventNodeId(8, `${run}${String(i).padStart(22, "0")}`),
    bytes,
    zstd: compression.zstd.compress(bytes).byteLength <= bytes.byteLength,
  }));
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

const ref = refCli();
const targets = s3Targets();
if (targets.length === 0 || ref === undefined)
  it.skip("S3 server or Python reference not configured", () => {});
else for (const target of targets) describeTarget(target, ref);

function describeTarget(target: S3Target, py: RefCli): void {
  describe(`Python plugin (compat/ref.py) <-> @nodestore/s3 on ${target.label}`, () => {
    let scratch: Awaited<ReturnType<typeof scratchBucket>>;
    const backends: S3Backend[] = [];
    const backend = (layout: Layout) => {
      const b = backendFor(target, {
        ...clientOptions(target),
        bucketName: scratch.bucket,
        bucketPath: layout.bucketPath,
        objectSharding: layout.sharding ?? false,
        objectShardingFallback: layout.fallback ?? false,
      });
      backends.push(b);
      return b;
    };
    const s3 = (args: string[], stdin?: string) => py.s3(target, scratch.bucket, args, stdin);

    beforeAll(async () => {
      scratch = await scratchBucket(target);
    });
    afterAll(async () => {
      for (const b of backends) await b.close();
      await scratch?.drop();
    });

    // The first layout gets every payload; the others (only keys differ) a zstd one and a raw one, to keep the
    // number of Python processes (~0.3 s each) down.
    layouts.forEach((layout, index) => {
      const flags = refLayoutArgs(layout);
      const full = index === 0;

      it(`${layout.label}: what Python writes reads here byte for byte`, async () => {
        const all = full ? [...items().slice(0, 3), ...binaries()] : [items()[0]!, binaries()[1]!];
        await inBatches(all, 3, (p) => s3(["put", p.id, "--bytes", "b64", ...flags], b64(p.bytes)));
        const b = backend(layout);
        for (const p of all) expect(hex(await b.getBytes(p.id)), p.id).toBe(hex(p.bytes));
        const multi = await b.getBytesMulti(all.map((p) => p.id));
        for (const p of all) expect(hex(multi.get(p.id) ?? null)).toBe(hex(p.bytes));
        expect(await new NodeStore(b).get(all[0]!.id)).toEqual(all[0]!.main);
        // deletes here remove what Python wrote
        await b.deleteMulti(all.map((p) => p.id));
        for (const p of all) expect(await b.getBytes(p.id)).toBeNull();
        if (full) {
          const after = (await s3(["get-multi", ...all.map((p) => p.id), ...flags])) as Record<
            string,
            unknown
          >;
          expect(Object.values(after).every((v) => v === null)).toBe(true);
        }
      });

      it(`${layout.label}: what is written here Python reads (one-shot ZstdDecompressor().decompress)`, async () => {
        const json = full ? items() : items().slice(0, 2);
        const [zbin, rawbin] = binaries();
        const b = backend(layout);
        await b.setBytesMulti([...json, zbin!, rawbin!].map((p) => [p.id, p.bytes] as const));
        expect(json.some((p) => p.zstd) && json.some((p) => !p.zstd)).toBe(true);

        const read = (await s3(["get-multi", ...json.map((p) => p.id), ...flags])) as Record<string, unknown>;
        for (const p of json) expect(read[p.id], p.id).toEqual(p.main);

        expect(zbin!.zstd && !rawbin!.zstd).toBe(true);
        const checks: string[][] = [
          ["inspect", json[0]!.id],
          ["inspect", json[1]!.id],
          ...(full
            ? [
                ["get", zbin!.id, "--bytes", "b64"],
                ["get", rawbin!.id, "--bytes", "b64"],
              ]
            : []),
        ];
        const [zinfo, rawinfo, zbytes, rawbytes] = (await inBatches(checks, 4, (args) =>
          s3([...args, ...flags]),
        )) as [InspectResult, InspectResult, { b64: string } | undefined, { b64: string } | undefined];
        if (full) {
          expect(zbytes!.b64).toBe(b64(zbin!.bytes));
          expect(rawbytes!.b64).toBe(b64(rawbin!.bytes));
        }
        // what boto3 sees: zstd flagged and a frame; raw with no Content-Encoding (Python itself sends "")
        expect(zinfo).toMatchObject({ key: b.keyFor(json[0]!.id), content_encoding: "zstd" });
        expect(hex(Buffer.from(zinfo.body_b64, "base64").subarray(0, 4))).toBe("28b52ffd");
        // the frame carries a content checksum (issue #10 case 3), and Python read it above
        expect(Buffer.from(zinfo.body_b64, "base64")[4]! & 0x04).toBe(0x04);
        expect(rawinfo.key).toBe(b.keyFor(json[1]!.id));
        expect(rawinfo.content_encoding || null).toBeNull();
        expect(rawinfo.body_b64).toBe(b64(json[1]!.bytes));

        // Python deletes what was written here
        await s3(["delete", ...[...json, zbin!, rawbin!].map((p) => p.id), ...flags]);
        for (const p of [...json, zbin!, rawbin!]) expect(await b.getBytes(p.id), p.id).toBeNull();
      });
    });

    it("checksummed frames (issue #10 case 3): Python reads ours; with one flipped bit both sides refuse", async () => {
      const b = backend(layouts[0]!);
      const flags = refLayoutArgs(layouts[0]!);
      const run = runId();
      const [good, bad] = [0, 1].map((i) => eventNodeId(9, `${run}${String(i).padStart(22, "0")}`));
      const main = { a: `hello world ${"and more ".repeat(30)}`, n: 1 };
      const store = new NodeStore(b);
      await store.setMulti([good!, bad!].map((id) => ({ id, main })));
      const info = (await s3(["inspect", bad!, ...flags])) as InspectResult;
      const frame = Buffer.from(info.body_b64, "base64");
      expect(info.content_encoding).toBe("zstd");
      expect(frame[4]! & 0x04).toBe(0x04); // Content_Checksum_flag
      expect(await s3(["get-multi", good!, bad!, ...flags])).toEqual({ [good!]: main, [bad!]: main });

      const at = frame.indexOf("hello");
      frame[at + 1]! ^= 0x08; // "hello" -> "hmllo"
      await scratch.client.send(
        new PutObjectCommand({
          Bucket: scratch.bucket,
          Key: b.keyFor(bad!),
          Body: frame,
          ContentEncoding: "zstd",
        }),
      );
      const ours = await store.get(bad!).catch((e: unknown) => e);
      expect(ours).toBeInstanceOf(CorruptNodeError);
      expect((ours as CorruptNodeError).id).toBe(bad);
      expect((ours as Error).message).toContain(`${scratch.bucket}/${b.keyFor(bad!)}`);
      const theirs = await s3(["get", bad!, ...flags]).catch((e: unknown) => e);
      expect(theirs).toBeInstanceOf(Error);
      expect((theirs as Error).message).toMatch(/ZstdError.*checksum/); // "Restored data doesn't match checksum"
      expect(await s3(["get", good!, ...flags])).toEqual(main);
    });

    it("sharding migration (PR #9): flat objects from Python read through the fallback, deletes remove both", async () => {
      const flat: Layout = { label: "flat", bucketPath: "mig" };
      const both: Layout = { label: "both", bucketPath: "mig", sharding: true, fallback: true };
      const old = items().slice(0, 3);
      // an install without sharding wrote flat keys
      await inBatches(old, 3, (p) =>
        s3(["put", p.id, "--bytes", "b64", ...refLayoutArgs(flat)], b64(p.bytes)),
      );
      const b = backend(both);
      for (const p of old) expect(hex(await b.getBytes(p.id))).toBe(hex(p.bytes));
      // new writes go to the sharded key; Python with both flags reads old and new
      const fresh = items().slice(0, 2);
      await b.setBytesMulti(fresh.map((p) => [p.id, p.bytes] as const));
      const read = (await s3([
        "get-multi",
        ...[...old, ...fresh].map((p) => p.id),
        ...refLayoutArgs(both),
      ])) as Record<string, unknown>;
      for (const p of [...old, ...fresh]) expect(read[p.id]).toEqual(p.main);
      // an id under both keys: the sharded object wins, here and in Python
      await b.setBytes(old[0]!.id, utf8('{"sharded":true}'));
      expect(await new NodeStore(b).get(old[0]!.id)).toEqual({ sharded: true });
      expect(await s3(["get", old[0]!.id, ...refLayoutArgs(both)])).toEqual({ sharded: true });
      // deletes here remove both keys: Python finds nothing, flat or sharded
      await b.delete(old[0]!.id);
      await b.deleteMulti([...old.slice(1), ...fresh].map((p) => p.id));
      const ids = [...old, ...fresh].map((p) => p.id);
      const [flatAfter, bothAfter] = (await Promise.all([
        s3(["get-multi", ...ids, ...refLayoutArgs(flat)]),
        s3(["get-multi", ...ids, ...refLayoutArgs(both)]),
      ])) as Array<Record<string, unknown>>;
      expect(Object.values(flatAfter!).every((v) => v === null)).toBe(true);
      expect(Object.values(bothAfter!).every((v) => v === null)).toBe(true);
    });
  });
}

interface InspectResult {
  key: string;
  content_encoding: string | null;
  body_b64: string;
}
