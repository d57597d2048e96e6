// golden.ts is generated from packages/core/test/fixtures/codec.jsonl by scripts/generate-golden.mjs: these
// tests fail when the file on disk and the fixtures drift apart (fix: `node scripts/generate-golden.mjs`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { goldenPayloads } from "../src/index.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = join(root, "scripts/generate-golden.mjs");
const golden = join(root, "packages/conformance/src/golden.ts");

function generator(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("golden.ts is generated from the codec fixtures", () => {
  const scratch = mkdtempSync(join(tmpdir(), "nodestore-golden-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("matches what scripts/generate-golden.mjs generates", () => {
    const { status, output } = generator("--check");
    expect(output, output).toContain("is up to date");
    expect(status, output).toBe(0);
  });

  it("holds the payloads the script lists, with their bytes", () => {
    expect(goldenPayloads.length).toBeGreaterThanOrEqual(12);
    expect(goldenPayloads.map((g) => g.name)).toContain("random_event_20");
    for (const g of goldenPayloads) expect(g.bytes.byteLength, g.name).toBeGreaterThan(0);
  });

  it("--check fails, saying where, when the file drifts", () => {
    const drifted = join(scratch, "golden.ts");
    writeFileSync(drifted, readFileSync(golden, "utf8").replace('"minimal_event"', '"minimal_event_edited"'));
    const { status, output } = generator("--check", "--out", drifted);
    expect(status, output).toBe(1);
    expect(output).toContain("differs from what packages/core/test/fixtures/codec.jsonl generates");
    expect(output).toContain("minimal_event_edited");
  });

  it("writes the same file again (deterministic)", () => {
    const out = join(scratch, "regenerated.ts");
    const { status, output } = generator("--out", out);
    expect(status, output).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(golden, "utf8"));
  });
});
