import { createHash } from "node:crypto";
import type { NodeBackend } from "@nodestore/core";

/** `count` event-shaped nodes (`md5("1:<event id>")`), cycling the corpus' encoded events, 1000 per statement. */
export async function seedNodes(
  backend: NodeBackend,
  encoded: readonly Uint8Array[],
  count: number,
): Promise<{ logicalBytes: number }> {
  let logicalBytes = 0;
  for (let start = 0; start < count; start += 1000) {
    const entries: [string, Uint8Array][] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const bytes = encoded[i % encoded.length]!;
      logicalBytes += bytes.byteLength;
      const eventId = createHash("md5").update(`migrate-bench-${i}`).digest("hex");
      entries.push([createHash("md5").update(`1:${eventId}`).digest("hex"), bytes]);
    }
    await backend.setBytesMulti!(entries);
  }
  return { logicalBytes };
}
