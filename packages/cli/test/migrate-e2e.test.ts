/**
 * End to end through the built `nodestore` binary on real servers: Postgres (django-pg) → SeaweedFS (s3).
 * A migration SIGKILLed at a random point after its first checkpoint, resumed, ends byte-identical with at most
 * concurrency × batch-size nodes copied twice; two `--shard` processes copy everything exactly once; an export
 * of the Postgres table is read by an independent Python reader.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deleteMany, type NodeBackend } from "@nodestore/core";
import { pythonRef, s3Env, serviceEnv } from "@nodestore/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedStore, openStore } from "../src/stores/open.js";
import { eventNode, md5, tempDir } from "./helpers-engine/index.js";

const BIN = join(import.meta.dirname, "../dist/bin.js");
const pgUrl = serviceEnv("NODESTORE_PG_URL");
const s3 = s3Env();
const python = serviceEnv("NODESTORE_PYTHON");
const ready = pgUrl !== undefined && s3 !== undefined;

const N = 6000;
const BATCH = 100;
const CONCURRENCY = 4;
const run = randomBytes(4).toString("hex");
const table = `nodestore_cli_e2e_${run}`;
/** One shared bucket (SeaweedFS gives every bucket volumes of its own: one per run would exhaust them); a prefix per run and test. */
const bucket = "nodestore-cli-e2e";

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: s3?.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3?.secretAccessKey,
  AWS_REGION: s3?.region,
};
const pgStore = () => {
  const url = new URL(pgUrl!);
  url.searchParams.set("table", table);
  return url.href;
};
const s3Store = (name: string) =>
  `s3://${bucket}/${run}-${name}?endpoint=${encodeURIComponent(s3!.endpoint)}&region=${s3!.region}`;

const opened: OpenedStore[] = [];
async function open(url: string): Promise<NodeBackend> {
  const store = await openStore(url, undefined, env);
  opened.push(store);
  return store.backend;
}

async function listIds(backend: NodeBackend): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of backend.scan!({ pageSize: 1000 })) for (const n of page.nodes) ids.push(n.id);
  return ids;
}

async function expectSameNodes(source: NodeBackend, target: NodeBackend): Promise<void> {
  const ids = await listIds(source);
  expect(ids).toHaveLength(N);
  const targetIds = await listIds(target);
  expect(targetIds.sort()).toEqual([...ids].sort());
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const a = await source.getBytesMulti!(chunk);
    const b = await Promise.all(chunk.map((id) => target.getBytes(id)));
    for (const [j, id] of chunk.entries()) {
      expect(Buffer.from(b[j]!).equals(a.get(id) as Uint8Array), id).toBe(true);
    }
  }
}

function cli(
  args: string[],
  cwd: string,
): ChildProcess & {
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c));
  child.stderr!.on("data", (c: Buffer) => (stderr += c));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return Object.assign(child, { done });
}

describe.skipIf(!ready)("migrate end to end: Postgres → SeaweedFS (built binary)", () => {
  let source: NodeBackend;

  beforeAll(async () => {
    execFileSync("pnpm", ["build"], { cwd: join(import.meta.dirname, ".."), stdio: "ignore" });
    source = await open(pgStore());
    await source.bootstrap!();
    const entries: Array<[string, Uint8Array]> = [];
    for (let i = 0; i < N; i++) {
      if (i % 20 === 0) {
        const e = eventNode(3);
        entries.push([e.id, e.bytes]);
      } else {
        entries.push([
          md5(`e2e-${run}-${i}`),
          Buffer.from(`{"i":${i},"data":"${randomBytes(40 + (i % 200)).toString("base64")}"}`),
        ]);
      }
    }
    for (let i = 0; i < N; i += 1000) await source.setBytesMulti!(entries.slice(i, i + 1000));
    // Only this URL may create the bucket; the migrations name the store without it.
    const setup = await open(`${s3Store("setup")}&createBucket=true`);
    await setup.bootstrap?.();
  });

  afterAll(async () => {
    if (!ready) return;
    // Leave no nodes behind (an empty table named after this run stays; the bucket is shared).
    for (const store of opened) {
      const ids = await listIds(store.backend).catch(() => []);
      for (let i = 0; i < ids.length; i += 1000) await deleteMany(store.backend, ids.slice(i, i + 1000), 16);
    }
    await Promise.allSettled(opened.map((s) => s.close()));
  });

  it("SIGKILL at a random point after the first checkpoint, --resume, then every node is byte-equal", async () => {
    const dir = tempDir();
    const target = await open(s3Store("killed"));
    const args = [
      "--json",
      "migrate",
      "--from",
      pgStore(),
      "--to",
      s3Store("killed"),
      "--batch-size",
      String(BATCH),
      "--concurrency",
      String(CONCURRENCY),
      "--checkpoint",
      "cp.json",
    ];
    const child = cli(args, dir);
    const cpPath = join(dir, "cp.json");
    const deadline = Date.now() + 60_000;
    while (!(existsSync(cpPath) && JSON.parse(readFileSync(cpPath, "utf8")).cursor !== null)) {
      if (Date.now() > deadline) throw new Error("no checkpoint after 60 s");
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, Math.random() * 1000));
    child.kill("SIGKILL");
    const killed = await child.done;
    expect(killed.signal).toBe("SIGKILL");
    const checkpoint = JSON.parse(readFileSync(cpPath, "utf8"));
    expect(checkpoint.complete).toBe(false);
    const presentAfterKill = (await listIds(target)).length;
    // Written but not recorded as done: these are the nodes the resumed run copies a second time.
    const redone = presentAfterKill - checkpoint.counts.copied;
    expect(redone).toBeGreaterThanOrEqual(0);
    expect(redone).toBeLessThanOrEqual(CONCURRENCY * BATCH);

    const resumed = await cli([...args, "--resume", "--verify"], dir).done;
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report).toMatchObject({ complete: true, resumed: true, copied: N, failed: 0, mismatched: 0 });
    expect(report.copiedThisRun).toBe(N - checkpoint.counts.copied);
    expect(report.verified).toBe(report.copiedThisRun);
    await expectSameNodes(source, target);
  });

  it("--shard 0/2 and --shard 1/2 in two processes copy every node exactly once", async () => {
    const dir = tempDir();
    const target = await open(s3Store("sharded"));
    const common = ["--json", "migrate", "--from", pgStore(), "--to", s3Store("sharded"), "--verify"];
    const [a, b] = await Promise.all([
      cli([...common, "--shard", "0/2"], dir).done,
      cli([...common, "--shard", "1/2"], dir).done,
    ]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    const [ra, rb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ra.copied + rb.copied).toBe(N);
    expect(ra.skippedShard).toBe(rb.copied);
    expect(rb.skippedShard).toBe(ra.copied);
    expect(ra.checkpoint).not.toBe(rb.checkpoint);
    await expectSameNodes(source, target);
  });

  it("export from Postgres is read by the Python reader, and imports into S3 byte-equal", async () => {
    const dir = tempDir();
    const exported = await cli(["--json", "export", "--from", pgStore(), "nodes.nsa"], dir).done;
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ exported: N, failed: 0 });
    if (python !== undefined) {
      const out = execFileSync(
        python,
        [join(import.meta.dirname, "helpers-engine/read_archive.py"), join(dir, "nodes.nsa")],
        {
          encoding: "utf8",
          maxBuffer: 64 << 20,
        },
      );
      const lines = out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.pop()).toMatchObject({ end: N });
      expect(lines.every((l) => typeof l.timestamp_ms === "number")).toBe(true);
    }
    const target = await open(s3Store("imported"));
    const imported = await cli(
      ["--json", "import", "nodes.nsa", "--to", s3Store("imported"), "--verify"],
      dir,
    ).done;
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ records: N, imported: N, verified: N });
    await expectSameNodes(source, target);
  });

  it("--remap-project 3:7: a Python-written event node is found by Python at md5(7:event_id), every other byte equal", async () => {
    if (python === undefined) return;
    const dir = tempDir();
    const eventId = randomBytes(16).toString("hex");
    const oldId = md5(`3:${eventId}`);
    const newId = md5(`7:${eventId}`);
    const pyTable = `${table}_py`;
    const main = {
      _ref: 3,
      _ref_version: 2,
      event_id: eventId,
      message: "caf\u00e9 \u2603",
      f: 1.5,
      n: null,
    };
    await pythonRef.put("django", oldId, main, {
      args: ["--pg-url", pgUrl!, "--table", pyTable],
      subkeys: { unprocessed: { raw: [1, 2, { x: "y" }] } },
    });
    const pySource = (() => {
      const url = new URL(pgUrl!);
      url.searchParams.set("table", pyTable);
      return url.href;
    })();
    const sourceBackend = await open(pySource);
    await open(s3Store("remapped")); // opened so that afterAll deletes what the migration writes
    const original = Buffer.from((await sourceBackend.getBytes(oldId))!);
    const migrated = await cli(
      [
        "--json",
        "migrate",
        "--from",
        pySource,
        "--to",
        s3Store("remapped"),
        "--remap-project",
        "3:7",
        "--verify",
      ],
      dir,
    ).done;
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ copied: 1, remapped: 1, verified: 1 });
    const s3Args = [
      "--s3-endpoint",
      s3!.endpoint,
      "--s3-access-key",
      s3!.accessKeyId,
      "--s3-secret-key",
      s3!.secretAccessKey,
      "--bucket",
      bucket,
      "--bucket-path",
      `${run}-remapped`,
    ];
    expect(await pythonRef.get("s3", oldId, { args: s3Args })).toBeNull();
    const read = (await pythonRef.get("s3", newId, { args: s3Args })) as Record<string, unknown>;
    expect(read).toMatchObject({ _ref: 7, _ref_version: 2, event_id: eventId });
    expect(await pythonRef.get("s3", newId, { args: s3Args, subkey: "unprocessed" })).toEqual({
      raw: [1, 2, { x: "y" }],
    });
    const bytes = Buffer.from((await pythonRef.getBytes("s3", newId, { args: s3Args }))!);
    expect(bytes.toString("latin1")).toBe(original.toString("latin1").replace('"_ref":3,', '"_ref":7,'));
  });
});
