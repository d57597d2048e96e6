// @nodestore/tablestore-server: a local Tablestore server speaking the service's wire protocol, for tests.
import { HOST_DEFAULT } from "./defaults.js";
import { createState, createTablestoreHttpServer } from "./server.js";

export { SERVER_NAME } from "./control.js";
export { tablestoreControl } from "./control-client.js";
export { DEFAULTS } from "./defaults.js";
export { CATALOG, OtsError, otsError } from "./errors.js";
export { decodeRow, encodeRow, encodeRows } from "./plainbuffer.js";
export { PROTO_FILE } from "./proto.js";
export { OPERATIONS } from "./server.js";
export { DEFAULT_LIMITS } from "./validate.js";

/**
 * Starts a server on `host:port` (port 0: a free one).
 * @param {import("./server.js").ServerOptions & { port?: number, host?: string }} [options]
 */
export async function startTablestoreServer(options = {}) {
  const state = createState(options);
  const server = createTablestoreHttpServer(state);
  const host = options.host ?? HOST_DEFAULT;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const [first] = state.keys.entries();
  let closing;
  return {
    endpoint: `http://${host}:${port}`,
    host,
    port,
    instance: [...state.instanceNames][0],
    accessKeyId: first[0],
    accessKeySecret: first[1].secret,
    state,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
