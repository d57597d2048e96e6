// What the server serves when not told otherwise; `pnpm services` passes the same values explicitly.
export const HOST_DEFAULT = "127.0.0.1";
export const DEFAULTS = Object.freeze({
  instance: "sentry",
  accessKeyId: "nodestore",
  accessKeySecret: "nodestore-secret",
});
