import { isDeepStrictEqual } from "node:util";
import {
  BackendUnavailableError,
  CorruptNode,
  type NodeObject,
  type NodeStore,
  NotSupportedError,
} from "@nodestore/core";
import type { SectionContext } from "../../context.js";
import { type Expected, failureProblem, type Outcome, settle } from "./check.js";

/** What the transport cases call and how they judge the outcome. */

export const UNAVAILABLE = { type: BackendUnavailableError, retryable: true } as const;
/** A cleanup cutoff nothing in the namespace is older than: the call does its I/O and deletes nothing. */
export const LONG_AGO = new Date("2001-01-01T00:00:00Z");
export const BATCH = 50;

export interface Call {
  readonly what: string;
  /** The one node the call concerns, which its error must name. */
  readonly id?: string;
  readonly run: () => Promise<unknown>;
  /** What a failure must be; default: BackendUnavailableError, retryable, naming `id`. */
  readonly expected?: Expected;
}

/** Every kind of call, on fresh ids: single and batch reads, writes, deletes, and cleanup. */
export function everyCall(ctx: SectionContext, store: NodeStore): Call[] {
  const id = ctx.newId();
  const ids = Array.from({ length: BATCH }, ctx.newId);
  const main = { written: "through the proxy" };
  const cleanup: Call = store.backend.cleanup
    ? { what: "cleanup", run: () => store.cleanup(LONG_AGO) }
    : {
        what: "cleanup (not supported: refused without I/O)",
        run: () => store.cleanup(LONG_AGO),
        expected: { type: NotSupportedError, retryable: false },
      };
  return [
    { what: "get", id, run: () => store.get(id) },
    { what: `getMulti(${BATCH})`, run: () => store.getMulti(ids) },
    { what: "set", id, run: () => store.set(id, main) },
    { what: `setMulti(${BATCH})`, run: () => store.setMulti(ids.map((id) => ({ id, main }))) },
    { what: "delete", id, run: () => store.delete(id) },
    { what: `deleteMulti(${BATCH})`, run: () => store.deleteMulti(ids) },
    cleanup,
  ];
}

/** Runs the calls at once (each bounded on its own) and lists those that did not fail as expected. */
export async function failuresOf(
  calls: readonly Call[],
  deadline: number,
): Promise<Array<string | undefined>> {
  const outcomes = await Promise.all(calls.map((c) => settle(c.what, c.run, deadline)));
  return calls.map((c, i) =>
    failureProblem(c.what, outcomes[i]!, c.expected ?? { ...UNAVAILABLE, id: c.id }),
  );
}

/** A batch call under a cut either failed with a retryable, typed error or did all of its work. */
export function cutProblem(what: string, outcome: Outcome<unknown>, done: () => Promise<string | undefined>) {
  return outcome.ok ? done() : Promise.resolve(failureProblem(what, outcome, UNAVAILABLE));
}

/** After the toxics are gone, the same store object serves every kind of call again. */
export async function recoveryProblems(
  ctx: SectionContext,
  via: NodeStore,
  deadline: number,
): Promise<string[]> {
  const problems: string[] = [];
  const id = ctx.newId();
  const ids = [ctx.newId(), ctx.newId(), ctx.newId()];
  const steps: Array<[string, () => Promise<unknown>, (value: unknown) => boolean]> = [
    ["set", () => via.set(id, { recovered: 1 }), () => true],
    ["get", () => via.get(id), (v) => JSON.stringify(v) === '{"recovered":1}'],
    ["setMulti", () => via.setMulti(ids.map((i) => ({ id: i, main: { i } }))), () => true],
    [
      "getMulti",
      () => via.getMulti([id, ...ids]),
      (v) =>
        JSON.stringify([...(v as Map<string, unknown>).values()]) ===
        JSON.stringify([{ recovered: 1 }, ...ids.map((i) => ({ i }))]),
    ],
    ["deleteMulti", () => via.deleteMulti(ids), () => true],
    ["delete", () => via.delete(id), () => true],
    ["get after delete", () => via.get(id), (v) => v === null],
  ];
  for (const [what, run, good] of steps) {
    const outcome = await settle(`after the fault was removed, ${what}`, run, deadline);
    if (!outcome.ok) {
      problems.push(`the store did not recover: ${what} still fails: ${String(outcome.error)}`);
      break;
    }
    if (!good(outcome.value)) problems.push(`after the fault was removed, ${what} returned a wrong result`);
  }
  return problems;
}

/** After a failed batch call, each node holds its old value or its new one: never a mix, damage or a miss. */
export function oldOrNew(
  what: string,
  got: ReadonlyMap<string, unknown>,
  old: ReadonlyMap<string, NodeObject>,
  next: ReadonlyMap<string, NodeObject | null>,
  damageAllowed = false,
): string | undefined {
  const allowed = (value: unknown) => damageAllowed && (value === null || value instanceof CorruptNode);
  const bad = [...old.keys()].filter(
    (id) =>
      !isDeepStrictEqual(got.get(id), old.get(id)) &&
      !isDeepStrictEqual(got.get(id), next.get(id)) &&
      !allowed(got.get(id)),
  );
  if (bad.length === 0) return undefined;
  const first = got.get(bad[0]!);
  const shown =
    first instanceof CorruptNode
      ? `a CorruptNode (${first.error.message})`
      : JSON.stringify(first)?.slice(0, 120);
  return `after ${what}, ${bad.length} nodes hold neither their old nor their new value (first: ${JSON.stringify(bad[0])}, which reads as ${shown})`;
}
