#!/usr/bin/env node
// Writes packages/conformance/src/golden.ts from packages/core/test/fixtures/codec.jsonl (the golden vectors
// Python produced), deterministically, formatted by the repository's own Biome.
//
//   node scripts/generate-golden.mjs            rewrite golden.ts
//   node scripts/generate-golden.mjs --check    exit 1, saying where, if golden.ts differs from what it would write
//   --out <file>                                write or check <file> instead (tests use it on a scratch copy)
//
// Plain Node ESM, no build step, no dependency but the root devDependency @biomejs/biome.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const FIXTURES = "packages/core/test/fixtures/codec.jsonl";
const TARGET = "packages/conformance/src/golden.ts";

/**
 * The vectors the conformance suite stores on every backend's real server, in this order: every hand-written
 * vector of kind "encode" (each covers one feature of Sentry's encoding: key order, escapes, floats, ints,
 * empty containers, nesting, subkeys) plus one realistic event (random_event_20, ~4 kB). Not the other 39
 * random events (the codec tests in packages/core cover them; here they would only slow every backend down),
 * nor the "decode" vectors (NaN, big integers, integral floats, framing oddities: the suite's "values" and
 * "bad input" sections test those by hand).
 */
export const GOLDEN_VECTORS = [
  "minimal_event",
  "docstring_subkeys",
  "seed_worked_example",
  "key_order_codepoint",
  "escapes",
  "floats",
  "ints",
  "empty_containers",
  "deep_nesting",
  "many_subkeys_insertion_order",
  "subkey_scalar_values",
  "random_event_20",
];

const HEADER = `// Generated from ${FIXTURES} (vectors produced by Python: simplejson configured
// as Sentry's nodestore encoder). A few payloads every backend must store and return byte for byte.
// Do not edit: \`node scripts/generate-golden.mjs\` writes this file; a conformance test fails when it drifts.
`;

/** A JSON number kept as its source text, so nothing is rounded on the way to the TypeScript literal. */
class RawNumber {
  constructor(text) {
    this.text = text;
  }
}

/** Numbers are read from their source text, which JSON.parse hands its reviver since Node.js 21. */
function requireSourceTextAccess() {
  let supported = false;
  JSON.parse("1", (_key, value, context) => {
    supported = typeof context?.source === "string";
    return value;
  });
  if (!supported) {
    throw new Error(`needs Node.js >= 21 (JSON.parse source text access); this is ${process.version}`);
  }
}

/** Parse one JSONL row keeping every number's source text (JSON.parse source text access, Node ≥ 21). */
function parseRow(line, lineNo) {
  try {
    return JSON.parse(line, (_key, value, context) =>
      typeof value === "number" ? new RawNumber(context.source) : value,
    );
  } catch (error) {
    throw new Error(`${FIXTURES}:${lineNo}: not JSON (${error.message})`);
  }
}

/** A TypeScript string literal, ASCII only: non-ASCII, DEL and lone surrogates become lowercase \uXXXX. */
function tsString(s) {
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * `main` as a TypeScript expression equal to what `store.get()` returns for the stored bytes: integers as
 * numbers, or bigint literals beyond 2^53 (the codec decodes those to bigint); floats as Python wrote them.
 */
function tsValue(value, where) {
  if (value === null || value === true || value === false) return String(value);
  if (typeof value === "string") return tsString(value);
  if (value instanceof RawNumber) {
    if (!/^-?\d+$/.test(value.text)) return value.text; // a float literal; Biome normalises 1e-05 to 1e-5
    const n = Number(value.text);
    return Number.isSafeInteger(n) ? String(n === 0 ? 0 : n) : `${value.text}n`;
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => tsValue(v, `${where}[${i}]`)).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => {
      if (k === "__proto__") {
        throw new Error(`${where}: a "__proto__" key cannot be written as an object literal`);
      }
      return `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : tsString(k)}: ${tsValue(v, `${where}.${k}`)}`;
    });
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  throw new Error(`${where}: unexpected ${typeof value}`);
}

/** golden.ts, before formatting, from the text of codec.jsonl. */
export function renderGolden(jsonl) {
  requireSourceTextAccess();
  const rows = new Map();
  jsonl.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const row = parseRow(line, i + 1);
    if (rows.has(row.name)) throw new Error(`${FIXTURES}:${i + 1}: vector "${row.name}" appears twice`);
    rows.set(row.name, row);
  });
  const items = GOLDEN_VECTORS.map((name) => {
    const row = rows.get(name);
    if (!row) throw new Error(`vector "${name}" (listed in GOLDEN_VECTORS) is not in ${FIXTURES}`);
    if (row.main === undefined || typeof row.encoded !== "string") {
      throw new Error(
        `vector "${name}" has no "main" and "encoded": only whole-node vectors can be golden payloads`,
      );
    }
    if (/[^\x00-\x7f]/.test(row.encoded)) throw new Error(`vector "${name}": "encoded" is not ASCII`);
    return `  { name: ${tsString(name)}, bytes: ascii(${tsString(row.encoded)}), main: ${tsValue(row.main, name)} },`;
  });
  return `${HEADER}
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

export const goldenPayloads: ReadonlyArray<{ name: string; bytes: Uint8Array; main: unknown }> = [
${items.join("\n")}
];
`;
}

/**
 * Format with the repository's Biome and biome.json. Through stdin under a stand-in name: biome.json turns the
 * formatter off for golden.ts itself (a hand-kept file once), which would leave the output unformatted.
 */
export function formatTs(source) {
  const biome = createRequire(resolve(ROOT, "package.json")).resolve("@biomejs/biome/bin/biome");
  const stdinPath = TARGET.replace(/\.ts$/, ".generated.ts");
  const result = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${stdinPath}`], {
    cwd: ROOT,
    input: source,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 || result.stdout === "") {
    throw new Error(`biome format failed (exit ${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}

/** The content golden.ts must have. */
export function generateGolden() {
  return formatTs(renderGolden(readFileSync(resolve(ROOT, FIXTURES), "utf8")));
}

function firstDifference(actual, expected) {
  const a = actual.split("\n");
  const e = expected.split("\n");
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) {
      const show = (l) =>
        l === undefined ? "(end of file)" : JSON.stringify(l.length > 120 ? `${l.slice(0, 120)}…` : l);
      return `line ${i + 1}\n  on disk:   ${show(a[i])}\n  generated: ${show(e[i])}`;
    }
  }
  return "no line differs (line endings?)";
}

function main(argv) {
  let check = false;
  let out = resolve(ROOT, TARGET);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--check") check = true;
    else if (argv[i] === "--out" && argv[i + 1]) out = resolve(argv[++i]);
    else if (argv[i] === "--help" || argv[i] === "-h") {
      console.log("usage: node scripts/generate-golden.mjs [--check] [--out <file>]");
      return 0;
    } else {
      console.error(`generate-golden: unknown argument ${JSON.stringify(argv[i])} (--check, --out <file>)`);
      return 2;
    }
  }
  const shown = relative(process.cwd(), out) || out;
  const generated = generateGolden();
  if (!check) {
    writeFileSync(out, generated);
    console.log(`generate-golden: wrote ${shown} (${GOLDEN_VECTORS.length} payloads from ${FIXTURES})`);
    return 0;
  }
  let onDisk;
  try {
    onDisk = readFileSync(out, "utf8");
  } catch (error) {
    console.error(`generate-golden: cannot read ${shown}: ${error.message}`);
    return 1;
  }
  if (onDisk === generated) {
    console.log(`generate-golden: ${shown} is up to date with ${FIXTURES}`);
    return 0;
  }
  console.error(
    `generate-golden: ${shown} differs from what ${FIXTURES} generates, first at ${firstDifference(onDisk, generated)}\n` +
      "Run `node scripts/generate-golden.mjs` to regenerate it, and commit the result.",
  );
  return 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`generate-golden: ${error.message}`);
    process.exitCode = 1;
  }
}
