import { isDeepStrictEqual } from "node:util";
import { CorruptNode, CorruptNodeError, type NodeObject } from "@nodestore/core";
import { describe, it } from "vitest";
import type { SectionContext } from "../../context.js";
import {
  describeError,
  expectNoProblems,
  failureProblem,
  HEALTHY_DEADLINE_MS,
  settle,
  writeSentinel,
} from "./check.js";
import type { CorruptionCase } from "./hooks.js";

/**
 * What the suite writes before a case damages it: compressible (so a compressing backend stores it compressed)
 * and holding `hello world` as its first literal, where `flipBit(bytes, { near: "hello" })` makes "hallo".
 */
export const corruptibleValue = (id: string): NodeObject => ({
  message: "hello world ".repeat(64).trim(),
  id,
});

/** Each of the backend's corruption cases: `get` names the node, `getMulti` still serves the others. */
export function corruptionCases(ctx: SectionContext, cases: readonly CorruptionCase[]): void {
  describe("stored bytes damaged at each layer: a typed error naming the node, the other nodes still served", () => {
    for (const c of cases) {
      const outcome =
        c.expect === "missing" ? "reads as missing (null)" : `CorruptNodeError at the ${c.expect} layer`;
      it(`${c.name}: ${outcome}; getMulti serves the good nodes beside it`, async () => {
        const { store } = ctx;
        const sentinel = await writeSentinel(ctx);
        const [before, bad, after] = [ctx.newId(), ctx.newId(), ctx.newId()];
        for (const id of [before, bad, after]) await store.set(id, corruptibleValue(id));
        await c.corrupt(bad, store);
        const problems: Array<string | undefined> = [];

        const got = await settle(`get of the damaged node`, () => store.get(bad), HEALTHY_DEADLINE_MS);
        if (c.expect === "missing") {
          if (!got.ok)
            problems.push(`get of the damaged node failed with ${describeError(got.error)}; expected null`);
          else if (got.value !== null)
            problems.push(
              `get of the damaged node returned ${JSON.stringify(got.value).slice(0, 200)}; expected null`,
            );
        } else {
          problems.push(
            failureProblem("get of the damaged node", got, {
              type: CorruptNodeError,
              retryable: false,
              id: bad,
            }),
            layerProblem("get", got.ok ? undefined : got.error, c.expect),
          );
        }

        const many = await settle(
          "getMulti([good, damaged, good])",
          () => store.getMulti([before, bad, after]),
          HEALTHY_DEADLINE_MS,
        );
        if (!many.ok) {
          problems.push(
            `getMulti([good, damaged, good]) failed with ${describeError(many.error)}; one damaged node must not fail the batch`,
          );
        } else {
          for (const id of [before, after]) {
            if (!isDeepStrictEqual(many.value.get(id), corruptibleValue(id))) {
              problems.push(`getMulti did not serve the good node ${id} beside the damaged one`);
            }
          }
          const marker = many.value.get(bad);
          if (c.expect === "missing") {
            if (marker !== null)
              problems.push(`getMulti returned ${String(marker)} for the damaged node; expected null`);
          } else if (!(marker instanceof CorruptNode)) {
            problems.push(
              `getMulti returned ${JSON.stringify(marker)?.slice(0, 200)} for the damaged node; expected a CorruptNode marker`,
            );
          } else {
            if (marker.id !== bad) problems.push(`the CorruptNode marker names ${marker.id}, not ${bad}`);
            problems.push(
              failureProblem(
                "the marker's error",
                { ok: false, error: marker.error, ms: 0 },
                {
                  type: CorruptNodeError,
                  retryable: false,
                  id: bad,
                },
              ),
              layerProblem("the marker's error", marker.error, c.expect),
            );
          }
        }

        // Writing the node again repairs it; nothing else was touched.
        await store.set(bad, { repaired: true });
        if (JSON.stringify(await store.get(bad)) !== '{"repaired":true}')
          problems.push("overwriting the damaged node did not repair it");
        problems.push(await sentinel.problem());
        expectNoProblems(problems);
      }, 120_000);
    }
  });
}

function layerProblem(what: string, error: unknown, layer: string): string | undefined {
  if (!(error instanceof CorruptNodeError) || error.layer === layer) return undefined;
  return `${what}: CorruptNodeError at the ${error.layer} layer, expected ${layer} (${error.message})`;
}
