import { describe, it } from "vitest";
import type { SectionContext } from "../../context.js";
import { corruptionCases } from "./corrupt.js";
import { idAndArgumentCases } from "./ids-and-arguments.js";
import { transportCases } from "./transport.js";

export { flipBit, truncateBytes, zlibBomb, zstdBomb, zstdMagicThenGarbage } from "./bytes.js";
export { corruptibleValue } from "./corrupt.js";
export type { CorruptionCase, FaultBounds, FaultHooks, HostPort, TransportHooks } from "./hooks.js";
export { NOT_WELL_FORMED_IDS } from "./ids-and-arguments.js";
export { type Toxic, ToxiproxyProxy } from "./toxiproxy.js";

/**
 * Faults end in a typed error within a bounded time, and nothing corrupt or foreign is ever served: network
 * faults through Toxiproxy (with `faults.transport`), damaged stored bytes (with `faults.corruptions`), ids
 * the backend cannot store exactly and arguments of the wrong kind. A case whose hook is absent is skipped
 * with one line naming the hook.
 */
export function faultsSection(ctx: SectionContext): void {
  const hooks = ctx.options.faults;
  describe("faults", () => {
    const transport = hooks?.transport;
    if (transport === undefined) {
      it.skip("transport faults (server down, cuts, silent and slow server, reset, recovery): faults.transport is not provided", () => {});
    } else if (transport !== "none") {
      transportCases(ctx, transport);
    }
    if (hooks?.corruptions === undefined) {
      it.skip("damaged stored bytes at each layer: faults.corruptions is not provided", () => {});
    } else {
      corruptionCases(ctx, hooks.corruptions);
    }
    idAndArgumentCases(ctx);
  });
}
