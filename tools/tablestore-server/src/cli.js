#!/usr/bin/env node
// The local Tablestore server as a process (`pnpm services up` runs it detached; embedded test runs start it as
// a child with --port 0 --exit-with-stdin). Its first line of output is JSON with the address it listens on.
// Usage: node src/cli.js [--port 18765] [--host 127.0.0.1] [--instance sentry]... [--access-key-id ID]
//          [--access-key-secret SECRET] [--sts-token TOKEN] [--exit-with-stdin] [--quiet]
import { parseArgs } from "node:util";
import { DEFAULTS } from "./defaults.js";
import { startTablestoreServer } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    instance: { type: "string", multiple: true },
    "access-key-id": { type: "string", default: DEFAULTS.accessKeyId },
    "access-key-secret": { type: "string", default: DEFAULTS.accessKeySecret },
    "sts-token": { type: "string" },
    // The parent keeps our stdin open; when it dies without stopping us, we do not linger.
    "exit-with-stdin": { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
});

const server = await startTablestoreServer({
  port: Number(values.port),
  host: values.host,
  instances: values.instance ?? [DEFAULTS.instance],
  credentials: [
    {
      accessKeyId: values["access-key-id"],
      accessKeySecret: values["access-key-secret"],
      stsToken: values["sts-token"],
    },
  ],
  log: values.quiet ? undefined : (line) => console.error(`${new Date().toISOString()} ${line}`),
});
console.log(
  `tablestore-server listening ${JSON.stringify({ address: server.host, port: server.port, instances: values.instance ?? [DEFAULTS.instance] })}`,
);

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
