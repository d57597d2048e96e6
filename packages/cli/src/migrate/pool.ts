/**
 * Bounded pipelining: take items from `source` while fewer than `limit` are in flight. Stops taking on the
 * first error or when `signal` aborts, waits for what is in flight, then rethrows the first error. Memory is
 * `limit` items, whatever the length of `source`.
 */
export async function runBounded<T>(
  source: AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ readonly interrupted: boolean }> {
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const iterator = source[Symbol.asyncIterator]();
  let index = 0;
  let exhausted = false;
  try {
    while (failure === undefined && !signal?.aborted) {
      if (inFlight.size >= limit) {
        await Promise.race(inFlight);
        continue;
      }
      let next: IteratorResult<T>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (signal?.aborted) break;
        failure ??= { error };
        break;
      }
      if (next.done) {
        exhausted = true;
        break;
      }
      const task = fn(next.value, index++).then(
        () => {
          inFlight.delete(task);
        },
        (error: unknown) => {
          inFlight.delete(task);
          failure ??= { error };
        },
      );
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  } finally {
    if (!exhausted) await iterator.return?.().catch(() => {});
  }
  if (failure) throw failure.error;
  return { interrupted: !exhausted };
}
