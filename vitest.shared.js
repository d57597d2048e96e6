// Every package's vitest run writes a JSON report under CI so .ci/run can total passed/failed/skipped
// across packages and Node versions and refuse a run in which an integration test was skipped.
import { resolve } from "node:path";

export function reportersFor(name) {
  const dir = process.env.NODESTORE_REPORT_DIR;
  if (!dir) return ["default"];
  return ["default", ["json", { outputFile: resolve(dir, `${name}.json`) }]];
}
