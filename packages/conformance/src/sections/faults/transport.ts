import { randomBytes } from "node:crypto";
import type { NodeStore } from "@nodestore/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it } from "vitest";
import type { SectionContext } from "../../context.js";
import {
  deadlineMs,
  expectNoProblems,
  FAULT_BOUNDS,
  resultProblem,
  settle,
  writeNodes,
  writeSentinel,
} from "./check.js";
import { cutCases } from "./cuts.js";
import type { TransportHooks } from "./hooks.js";
import { refusedBeforeIo } from "./ids-and-arguments.js";
import { ToxiproxyProxy } from "./toxiproxy.js";
import { everyCall, failuresOf, LONG_AGO, recoveryProblems } from "./transport-calls.js";

const TIMEOUT = 120_000;

/** What the transport cases share: the proxy, the store reaching the server through it, and the checks after. */
export interface TransportFixture {
  readonly ctx: SectionContext;
  /** How long a call may take before it counts as hung. */
  readonly deadline: number;
  /** The proxy in front of the server (exists once the describe's beforeAll has run). */
  readonly proxy: ToxiproxyProxy;
  /** The store reaching the server through `proxy`, over the main store's namespace. */
  readonly via: NodeStore;
  /** Heals every proxy, then checks that `store` (default `via`) recovered and the sentinel is untouched. */
  afterFault(
    problems: Array<string | undefined>,
    sentinel: { problem(): Promise<string | undefined> },
    store?: NodeStore,
  ): Promise<void>;
}

/** Network faults through a Toxiproxy proxy in front of the real server, then recovery of the same store. */
export function transportCases(ctx: SectionContext, hooks: TransportHooks): void {
  const bounds = FAULT_BOUNDS;
  const deadline = deadlineMs(bounds);
  const proxies: ToxiproxyProxy[] = [];
  const stores: NodeStore[] = [];
  const suffix = randomBytes(3).toString("hex");
  const newProxy = async () => {
    const name = `nodestore-faults-${ctx.runTag}-${suffix}-${proxies.length}`;
    const proxy = await ToxiproxyProxy.create(hooks.toxiproxyUrl, name, hooks.upstream);
    proxies.push(proxy);
    return proxy;
  };
  const storeVia = async (proxy: ToxiproxyProxy) => {
    const store = await hooks.createStoreVia(proxy.listen, bounds);
    stores.push(store);
    return store;
  };
  let proxy: ToxiproxyProxy;
  let via: NodeStore;

  describe(`transport faults, through a Toxiproxy proxy (timeouts ${bounds.requestTimeoutMs} ms, deadline ${deadline} ms)`, () => {
    beforeAll(async () => {
      proxy = await newProxy();
    }, 60_000);
    // A fresh client for each case: a retry budget (the AWS SDK's retry quota) that one case's faults used up
    // must not decide whether the next case's calls get their retries.
    beforeEach(async () => {
      via = await storeVia(proxy);
    }, 60_000);
    afterEach(async () => {
      for (const p of proxies) await p.heal();
      const index = stores.indexOf(via);
      if (index >= 0) stores.splice(index, 1);
      await via.close();
    }, 60_000);
    afterAll(async () => {
      for (const p of proxies) await p.heal().catch(() => {});
      for (const s of stores) await s.close().catch(() => {});
      for (const p of proxies) await p.delete().catch(() => {});
    }, 60_000);

    const afterFault = async (
      problems: Array<string | undefined>,
      sentinel: { problem(): Promise<string | undefined> },
      store = via,
    ) => {
      for (const p of proxies) await p.heal();
      problems.push(...(await recoveryProblems(ctx, store, deadline)));
      problems.push(await sentinel.problem());
      expectNoProblems(problems);
    };
    const fixture: TransportFixture = {
      ctx,
      deadline,
      get proxy() {
        return proxy;
      },
      get via() {
        return via;
      },
      afterFault,
    };

    it(
      "server down from the start: every call fails with BackendUnavailableError (retryable, naming the node), then the same store recovers",
      async () => {
        const sentinel = await writeSentinel(ctx);
        const down = await newProxy();
        await down.setEnabled(false);
        const store = await storeVia(down);
        const problems = await failuresOf(everyCall(ctx, store), deadline);
        await afterFault(problems, sentinel, store);
      },
      TIMEOUT,
    );

    it(
      "ids it cannot store and bad arguments are refused before any I/O: with the server down, the same typed errors",
      async () => {
        const sentinel = await writeSentinel(ctx);
        await proxy.setEnabled(false);
        const problems = await refusedBeforeIo(ctx, via, sentinel.id, deadline);
        await afterFault(problems, sentinel);
      },
      TIMEOUT,
    );

    it(
      "silent server (Toxiproxy timeout toxic, timeout 0): every call fails with BackendUnavailableError within its bound; then recovers",
      async () => {
        const sentinel = await writeSentinel(ctx);
        await proxy.addToxic({ type: "timeout", stream: "downstream", attributes: { timeout: 0 } });
        const problems = await failuresOf(everyCall(ctx, via), deadline);
        await afterFault(problems, sentinel);
      },
      TIMEOUT,
    );

    it(
      "slow server (150 ms per answer, under the timeouts): every call succeeds",
      async () => {
        const sentinel = await writeSentinel(ctx);
        await proxy.addToxic({
          type: "latency",
          stream: "downstream",
          attributes: { latency: 150, jitter: 0 },
        });
        const problems: Array<string | undefined> = await recoveryProblems(ctx, via, deadline);
        const { ids, values } = await writeNodes(ctx, ctx.store, 20, 1024);
        const got = await settle("getMulti(20) on a slow server", () => via.getMulti(ids), deadline);
        problems.push(
          got.ok
            ? resultProblem("getMulti(20) on a slow server", got.value, values)
            : `getMulti(20) on a slow server failed: ${String(got.error)}`,
        );
        if (via.backend.cleanup) {
          const cleaned = await settle("cleanup on a slow server", () => via.cleanup(LONG_AGO), deadline);
          if (!cleaned.ok) problems.push(`cleanup on a slow server failed: ${String(cleaned.error)}`);
        }
        await afterFault(problems, sentinel);
      },
      TIMEOUT,
    );

    cutCases(fixture);
  });
}
