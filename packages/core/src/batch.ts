import type { NodeBackend, Ttl } from "./backend.js";
import { mapLimit } from "./concurrency.js";
import { CorruptNodeError } from "./errors.js";

/**
 * A backend's batch call when it has one, else its single call under a concurrency bound. The one place
 * that decides this, for the store and for composed backends alike.
 */

/** Per id: the bytes, null when absent, or the node's `CorruptNodeError` (the batch goes on without it). */
export async function getBytesMany(
  backend: NodeBackend,
  ids: readonly string[],
  concurrency: number,
): Promise<Map<string, Uint8Array | null | CorruptNodeError>> {
  if (backend.getBytesMulti) return backend.getBytesMulti(ids);
  const values = await mapLimit(ids, concurrency, async (id) => {
    try {
      return await backend.getBytes(id);
    } catch (error) {
      if (error instanceof CorruptNodeError) return error.withContext(id, backend.name);
      throw error;
    }
  });
  return new Map(values.map((bytes, i) => [ids[i]!, bytes] as const));
}

export async function setBytesMany(
  backend: NodeBackend,
  entries: ReadonlyArray<readonly [string, Uint8Array]>,
  ttl: Ttl | undefined,
  concurrency: number,
): Promise<void> {
  if (backend.setBytesMulti) return backend.setBytesMulti(entries, ttl);
  await mapLimit(entries, concurrency, ([id, bytes]) => backend.setBytes(id, bytes, ttl));
}

export async function deleteMany(
  backend: NodeBackend,
  ids: readonly string[],
  concurrency: number,
): Promise<void> {
  if (backend.deleteMulti) return backend.deleteMulti(ids);
  await mapLimit(ids, concurrency, (id) => backend.delete(id));
}
