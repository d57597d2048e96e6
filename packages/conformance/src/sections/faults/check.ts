import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { NodeObject, NodeStore, NodestoreError } from "@nodestore/core";
import { expect } from "vitest";
import { bytesOf, type SectionContext } from "../../context.js";
import type { FaultBounds } from "./hooks.js";

/** What the suite asks of the store it reaches through the proxy: short, so a fault costs seconds. */
export const FAULT_BOUNDS: FaultBounds = {
  connectTimeoutMs: 2_000,
  requestTimeoutMs: 2_000,
  retryAttempts: 1,
};

/**
 * How long a call may take before the suite calls it hung: every attempt waiting its full connect and request
 * timeouts, backoff between them, plus a wide margin for a loaded machine. A "did not hang" check, not a
 * speed assertion.
 */
export function deadlineMs(bounds: FaultBounds): number {
  return (bounds.retryAttempts + 1) * (bounds.connectTimeoutMs + bounds.requestTimeoutMs) + 2_000 + 15_000;
}

/** Deadline for calls on a healthy store (also bombs, which must stop at a bound rather than inflate). */
export const HEALTHY_DEADLINE_MS = 30_000;

export type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: unknown; ms: number };

/** Runs `call` and reports how it settled; fails the test if it has not settled after `deadline` ms. */
export async function settle<T>(what: string, call: () => Promise<T>, deadline: number): Promise<Outcome<T>> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), deadline);
  });
  const settled = Promise.resolve()
    .then(call)
    .then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  const result = await Promise.race([settled, hung]);
  clearTimeout(timer);
  if (result === "hung") {
    expect.fail(`${what} had not settled after ${deadline} ms: it hangs (nothing bounds it)`);
  }
  return { ...result, ms: Math.round(performance.now() - start) };
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface Expected {
  readonly type: ErrorClass;
  readonly retryable: boolean;
  /** The node the call concerns: its message must name it, and its `.id` be it when the class has one. */
  readonly id?: string;
}

/** Why `outcome` is not the expected failure, or undefined when it is. */
export function failureProblem(
  what: string,
  outcome: Outcome<unknown>,
  expected: Expected,
): string | undefined {
  if (outcome.ok) return `${what} resolved (after ${outcome.ms} ms); expected ${expected.type.name}`;
  const { error } = outcome;
  if (!(error instanceof expected.type)) {
    return `${what} failed with ${describeError(error)}; expected ${expected.type.name}`;
  }
  const retryable = (error as Partial<NodestoreError>).retryable;
  if (retryable !== expected.retryable) {
    return `${what}: ${error.constructor.name}.retryable is ${retryable}, expected ${expected.retryable}`;
  }
  if (expected.id !== undefined) {
    if (!namesId(error.message, expected.id)) {
      return `${what}: the message does not name the node ${show(expected.id)}: ${error.message}`;
    }
    if ("id" in error && error.id !== expected.id) {
      const got = typeof error.id === "string" ? show(error.id) : String(error.id);
      return `${what}: ${error.constructor.name}.id is ${got}, expected ${show(expected.id)}`;
    }
  }
  return undefined;
}

/** Fails the test listing every problem, so one run shows each call that misbehaved. */
export function expectNoProblems(problems: ReadonlyArray<string | undefined>): void {
  const found = problems.filter((p): p is string => p !== undefined);
  expect(found, found.join("\n")).toEqual([]);
}

/** True when `message` names `id`: as it is, JSON-escaped, or (a long id) by its first 80 characters. */
export function namesId(message: string, id: string): boolean {
  const named = id.length > 80 ? id.slice(0, 80) : id;
  return message.includes(named) || message.includes(JSON.stringify(named).slice(1, -1));
}

/** An id for a test title or a problem line: quoted, escaped, long ones cut. */
export function show(id: string): string {
  return JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${typeof error} (${String(error)})`;
  const code = (error as { code?: unknown }).code;
  return `${error.constructor.name}${code === undefined ? "" : ` [${String(code)}]`}: ${error.message}`;
}

/** A JSON object of about `size` bytes that no compression shrinks much (random base64). */
export function incompressibleValue(n: number, size: number): NodeObject {
  return { n, pad: randomBytes(Math.ceil((size * 3) / 4)).toString("base64") };
}

/** Writes `count` nodes of about `size` bytes through `store`; returns their ids and values. */
export async function writeNodes(
  ctx: SectionContext,
  store: NodeStore,
  count: number,
  size: number,
): Promise<{ ids: string[]; values: Map<string, NodeObject> }> {
  const ids = Array.from({ length: count }, ctx.newId);
  const values = new Map(ids.map((id, i) => [id, incompressibleValue(i, size)] as const));
  await store.setMulti(ids.map((id) => ({ id, main: values.get(id)! })));
  return { ids, values };
}

/** Why `got` is not exactly `want` (every id, every value), or undefined. */
export function resultProblem(
  what: string,
  got: ReadonlyMap<string, unknown>,
  want: ReadonlyMap<string, NodeObject | null>,
): string | undefined {
  const wrong = [...want].filter(([id, value]) => !isDeepStrictEqual(got.get(id), value)).map(([id]) => id);
  if (wrong.length === 0 && got.size === want.size) return undefined;
  return `${what} returned a wrong result: ${wrong.length} of ${want.size} nodes differ (first: ${JSON.stringify(wrong[0])})`;
}

/** A node written before a case and compared byte for byte after it: nothing else may be touched. */
export interface Sentinel {
  readonly id: string;
  /** Why the sentinel changed, or undefined. */
  problem(): Promise<string | undefined>;
}

export async function writeSentinel(ctx: SectionContext): Promise<Sentinel> {
  const { store } = ctx;
  const id = ctx.newId();
  await store.setSubkeys(id, { main: { sentinel: id }, subkeys: { extra: { kept: true } } });
  const before = bytesOf(await store.getBytes(id));
  return {
    id,
    async problem() {
      const after = bytesOf(await store.getBytes(id));
      return after === before
        ? undefined
        : `the sentinel node ${id} was touched: it was ${before}, now ${after}`;
    },
  };
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
