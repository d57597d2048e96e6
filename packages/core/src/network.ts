/** Node.js / undici codes meaning "could not reach the server": worth retrying later, not a data problem. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/** True when `error` (or, for a multi-address connect, any of its causes) is a network failure. */
export function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; errors?: unknown[] } | null | undefined;
  if (typeof e?.code === "string" && NETWORK_CODES.has(e.code)) return true;
  return Array.isArray(e?.errors) && e.errors.some(isNetworkError);
}
