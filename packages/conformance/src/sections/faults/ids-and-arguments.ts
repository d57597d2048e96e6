import {
  encodeNodeData,
  InvalidArgumentError,
  InvalidDataError,
  InvalidIdError,
  type NodeStore,
} from "@nodestore/core";
import { describe, it } from "vitest";
import { bytesOf, type SectionContext } from "../../context.js";
import {
  type Expected,
  expectNoProblems,
  failureProblem,
  HEALTHY_DEADLINE_MS,
  settle,
  show,
  writeSentinel,
} from "./check.js";

/**
 * Ids no backend can store exactly: not well-formed Unicode (lone surrogates have no UTF-8 form, so Postgres,
 * S3 keys and JSON bodies each store a replacement, and two ids become one key).
 */
export const NOT_WELL_FORMED_IDS: readonly string[] = ["\ud800", "\udfff", "a\ud800b", "\udc00\ud800"];

type Call = readonly [what: string, run: () => Promise<unknown>, expected: Expected];

/** Every call naming `bad`; `good` (an existing node) rides along in the batch calls and must survive them. */
function idCalls(store: NodeStore, bad: string, good: string): Call[] {
  const expected = { type: InvalidIdError, retryable: false, id: bad } as const;
  const bytes = encodeNodeData({ refused: true });
  const q = show(bad);
  return [
    [`set(${q})`, () => store.set(bad, { refused: true }), expected],
    [`setSubkeys(${q})`, () => store.setSubkeys(bad, { main: {}, subkeys: { s: 1 } }), expected],
    [`setBytes(${q})`, () => store.setBytes(bad, bytes), expected],
    [`get(${q})`, () => store.get(bad), expected],
    [`getBytes(${q})`, () => store.getBytes(bad), expected],
    [`getMulti([good, ${q}])`, () => store.getMulti([good, bad]), expected],
    [`getBytesMulti([good, ${q}])`, () => store.getBytesMulti([good, bad]), expected],
    [
      `setMulti([good, ${q}])`,
      () =>
        store.setMulti([
          { id: good, main: { overwritten: true } },
          { id: bad, main: {} },
        ]),
      expected,
    ],
    [
      `setBytesMulti([good, ${q}])`,
      () =>
        store.setBytesMulti([
          [good, bytes],
          [bad, bytes],
        ]),
      expected,
    ],
    [`delete(${q})`, () => store.delete(bad), expected],
    [`deleteMulti([good, ${q}])`, () => store.deleteMulti([good, bad]), expected],
  ];
}

/** One-letter ids a string taken for a list of ids would name: they exist, and must not be read or deleted. */
const LETTERS = ["a", "b", "c", "x"];

/** A string or nothing where a list is expected, and null data; `good` is an existing node. */
function argumentCalls(store: NodeStore, good: string): Call[] {
  const argument = { type: InvalidArgumentError, retryable: false } as const;
  const asAny = (value: unknown) => value as never;
  return [
    ['getMulti("abc")', () => store.getMulti(asAny("abc")), argument],
    ['getBytesMulti("abc")', () => store.getBytesMulti(asAny("abc")), argument],
    ['deleteMulti("abc")', () => store.deleteMulti(asAny("abc")), argument],
    ['setMulti("x")', () => store.setMulti(asAny("x")), argument],
    ['setBytesMulti("x")', () => store.setBytesMulti(asAny("x")), argument],
    ["getMulti(42)", () => store.getMulti(asAny(42)), argument],
    ["deleteMulti(null)", () => store.deleteMulti(asAny(null)), argument],
    [
      "setSubkeys(id, null)",
      () => store.setSubkeys(good, asAny(null)),
      { type: InvalidDataError, retryable: false, id: good },
    ],
  ];
}

/** The ids every backend refuses, plus the ones this backend declares it cannot store. */
function unstorableIds(ctx: SectionContext): string[] {
  return [...NOT_WELL_FORMED_IDS, ...(ctx.options.faults?.unstorableIds ?? [])];
}

/**
 * Runs the refused calls on `store` (possibly one whose server is down: then a refusal proves no I/O
 * happened) and lists what misbehaved. `good` is an existing node; the one-letter ids are written first
 * through the main store and must come through untouched.
 */
export async function refusedBeforeIo(
  ctx: SectionContext,
  store: NodeStore,
  good: string,
  deadline: number,
  what: { ids: readonly string[]; arguments: boolean } = { ids: unstorableIds(ctx), arguments: true },
): Promise<Array<string | undefined>> {
  const main = ctx.store;
  // A backend may refuse one-letter ids itself (S3 on file-backed servers): then they cannot be touched.
  const letters: string[] = [];
  for (const letter of what.arguments ? LETTERS : []) {
    try {
      await main.set(letter, { letter });
      letters.push(letter);
    } catch (error) {
      if (!(error instanceof InvalidIdError)) throw error;
    }
  }
  const before = await Promise.all(letters.map(async (l) => bytesOf(await main.getBytes(l))));
  const calls = [
    ...what.ids.flatMap((bad) => idCalls(store, bad, good)),
    ...(what.arguments ? argumentCalls(store, good) : []),
  ];
  const problems: Array<string | undefined> = [];
  for (const [call, run, expected] of calls) {
    problems.push(failureProblem(call, await settle(call, run, deadline), expected));
  }
  const after = await Promise.all(letters.map(async (l) => bytesOf(await main.getBytes(l))));
  letters.forEach((l, i) => {
    if (after[i] !== before[i])
      problems.push(`node ${JSON.stringify(l)} was touched: ${before[i]} -> ${after[i]}`);
  });
  if (letters.length > 0) await main.deleteMulti(letters);
  return problems;
}

/** Ids the backend cannot store exactly, and arguments of the wrong kind, on a healthy store. */
export function idAndArgumentCases(ctx: SectionContext): void {
  const declared = ctx.options.faults?.unstorableIds;
  describe("ids it cannot store exactly and arguments of the wrong kind are refused, touching nothing", () => {
    it("refuses ids that are not well-formed Unicode on every call (InvalidIdError naming the id, not retryable)", async () => {
      const sentinel = await writeSentinel(ctx);
      const problems = await refusedBeforeIo(ctx, ctx.store, sentinel.id, HEALTHY_DEADLINE_MS, {
        ids: NOT_WELL_FORMED_IDS,
        arguments: false,
      });
      problems.push(await sentinel.problem());
      expectNoProblems(problems);
    });

    if (declared === undefined) {
      it.skip("refuses the ids this backend cannot store exactly: faults.unstorableIds is not provided", () => {});
    } else if (declared.length > 0) {
      it(`refuses the ids this backend cannot store exactly on every call: ${declared.map(show).join(", ")}`, async () => {
        const sentinel = await writeSentinel(ctx);
        const problems = await refusedBeforeIo(ctx, ctx.store, sentinel.id, HEALTHY_DEADLINE_MS, {
          ids: declared,
          arguments: false,
        });
        problems.push(await sentinel.problem());
        expectNoProblems(problems);
      });
    }

    it("refuses a string or a non-list where a list is expected (InvalidArgumentError) and null data (InvalidDataError)", async () => {
      const sentinel = await writeSentinel(ctx);
      const problems = await refusedBeforeIo(ctx, ctx.store, sentinel.id, HEALTHY_DEADLINE_MS, {
        ids: [],
        arguments: true,
      });
      problems.push(await sentinel.problem());
      expectNoProblems(problems);
    });
  });
}
