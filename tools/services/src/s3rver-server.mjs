#!/usr/bin/env node
// The s3rver process started by `pnpm services up` (credentials S3RVER/S3RVER, bucket "nodestore"), and by the
// bench (--port 0 --exit-with-stdin). Prints the address it listens on as JSON in its first line.
// Usage: node --openssl-legacy-provider s3rver-server.mjs --port 14569 --address 127.0.0.1 --directory DIR
import { parseArgs } from "node:util";
import S3rver from "s3rver";
import { useDurablePuts } from "./lib/s3rver-durable-put.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "14569" },
    address: { type: "string", default: "127.0.0.1" },
    directory: { type: "string" },
    // The parent keeps our stdin open; when it dies without stopping us, we do not linger.
    "exit-with-stdin": { type: "boolean", default: false },
  },
});
if (!values.directory) {
  console.error("s3rver-server: --directory is required");
  process.exit(2);
}

// S3 answers a PUT once the object is readable; s3rver did not (see lib/s3rver-durable-put.js).
useDurablePuts();
const server = new S3rver({
  port: Number(values.port),
  address: values.address,
  directory: values.directory,
  silent: true,
  resetOnClose: false,
  configureBuckets: [{ name: "nodestore" }],
});
const { address, port } = await server.run();
console.log(`s3rver listening ${JSON.stringify({ address, port })}, data in ${values.directory}`);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    if (closing) return;
    closing = true;
    await server.close();
    process.exit(0);
  });
}
if (values["exit-with-stdin"]) {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
