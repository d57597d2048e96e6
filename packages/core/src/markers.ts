import type { CorruptNodeError } from "./errors.js";

/** A row written before 2021 holding a pickled payload, returned instead of failing a whole batch. */
export class LegacyPickleNode {
  constructor(
    readonly id: string,
    /** The decompressed pickle bytes, for operators who want to convert them with Python. */
    readonly bytes: Uint8Array,
  ) {}
}

/**
 * A node in a `getMulti` batch whose stored bytes could not be decoded: returned in its place (with the reason)
 * so the rest of the batch is still served. Its data is never guessed at.
 */
export class CorruptNode {
  constructor(
    readonly id: string,
    readonly error: CorruptNodeError,
  ) {}
}

/** What `getMulti` returns for one id: the value, null when absent, or a marker for a node it cannot serve. */
export type NodeReadResult<T> = T | null | CorruptNode | LegacyPickleNode;
