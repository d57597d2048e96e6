import type { StorageResult } from "../../report/schema.js";

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && !error.message.includes(cause.message)
      ? `${error.message} (${cause.message})`
      : error.message;
  }
  return String(error);
}

/** A `measureStorage` result from what the store reported holding for `nodes` nodes. */
export function storageResult(
  nodes: number,
  logicalBytes: number,
  storedBytes: number,
  method: string,
  details: StorageResult["details"],
): StorageResult {
  return {
    nodes,
    logicalBytes,
    storedBytes,
    storedBytesPerNode: storedBytes / nodes,
    logicalBytesPerNode: logicalBytes / nodes,
    ratio: storedBytes > 0 ? logicalBytes / storedBytes : 0,
    method,
    details,
  };
}

/** `postgres://user:secret@host/db` -> `postgres://user:***@host/db`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, "***");
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
