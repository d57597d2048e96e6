#!/usr/bin/env node
// Totals the vitest JSON reports written under NODESTORE_REPORT_DIR (one folder per Node version) and fails
// when any test failed, was skipped, or when a package that must report did not. In CI a skipped
// integration test is a failure: it means a service the suite needs was not there.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: summarize.mjs REPORT_ROOT");
  process.exit(2);
}
// Every workspace package with a test script must report, under its folder's name (see vitest.shared.js).
const expectedPackages = ["packages", "tools"]
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir).map((name) => join(dir, name)))
  .concat(["bench"])
  .filter((dir) => existsSync(join(dir, "package.json")))
  .filter((dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).scripts?.test)
  .map((dir) => dir.split("/").pop());
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
for (const run of readdirSync(root).sort()) {
  const dir = join(root, run);
  for (const pkg of expectedPackages) {
    if (!existsSync(join(dir, `${pkg}.json`))) problems.push(`${run}: no test report from ${pkg}`);
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const report = JSON.parse(readFileSync(join(dir, file), "utf8"));
    for (const suite of report.testResults ?? []) {
      if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) {
        failed++;
        problems.push(
          `${run}/${file}: ${suite.name} failed to load: ${(suite.message ?? "").split("\n")[0]}`,
        );
      }
      for (const test of suite.assertionResults ?? []) {
        if (test.status === "passed") passed++;
        else if (test.status === "failed") {
          failed++;
          problems.push(`${run}/${file}: FAILED ${test.fullName}`);
          // The first lines of each failure, so a CI log that keeps only its tail still says why.
          for (const message of test.failureMessages ?? []) {
            const lines = message.split("\n").slice(0, 12);
            problems.push(...lines.map((line) => `    ${line.slice(0, 400)}`));
          }
        } else {
          skipped++;
          problems.push(`${run}/${file}: SKIPPED ${test.fullName}`);
        }
      }
    }
  }
}
for (const p of problems) console.log(p);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipped > 0 || problems.length > 0 || passed === 0 ? 1 : 0);
