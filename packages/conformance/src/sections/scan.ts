import type { NodeBackend, ScannedNode, ScanOptions } from "@nodestore/core";
import { InvalidArgumentError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import type { SectionContext } from "../context.js";

async function scanAll(backend: NodeBackend, options?: ScanOptions) {
  const pages: { nodes: ScannedNode[]; cursor: string }[] = [];
  for await (const page of backend.scan!(options))
    pages.push({ nodes: [...page.nodes], cursor: page.cursor });
  return pages;
}

const idsOf = (pages: { nodes: ScannedNode[] }[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));

/**
 * scan(): the id listing the CLI migrates, exports and counts with. Every node appears, once, in pages no larger
 * than asked; a cursor resumes exactly after its page, in a new scan; deleted nodes are gone; the time window
 * filters by last write.
 */
export function scanSection(ctx: SectionContext): void {
  const { newId } = ctx;
  describe("scan", () => {
    const backend = () => {
      const b = ctx.store.backend;
      if (!b.scan) throw new Error(`${b.name} has no scan(): every backend must list its ids`);
      return b;
    };

    it("lists every node once, in pages of at most pageSize, and resumes after any page's cursor", async () => {
      const ids = Array.from({ length: 23 }, newId);
      const before = Date.now();
      await ctx.store.setMulti(ids.map((id) => ({ id, main: { id } })));
      const after = Date.now();

      const pages = await scanAll(backend(), { pageSize: 5 });
      for (const page of pages) expect(page.nodes.length).toBeLessThanOrEqual(5);
      const listed = idsOf(pages);
      expect(new Set(listed).size).toBe(listed.length);
      for (const id of ids) expect(listed).toContain(id);

      for (const node of pages.flatMap((p) => p.nodes).filter((n) => ids.includes(n.id))) {
        if (node.timestamp === undefined) continue;
        expect(node.timestamp).toBeInstanceOf(Date);
        // Server clocks: allow a minute either side (the write happened between before and after).
        expect(node.timestamp.getTime()).toBeGreaterThan(before - 60_000);
        expect(node.timestamp.getTime()).toBeLessThan(after + 60_000);
      }
      for (const node of pages.flatMap((p) => p.nodes)) {
        if (node.storedBytes !== undefined) expect(node.storedBytes).toBeGreaterThan(0);
      }

      const cut = Math.min(2, pages.length - 2);
      const rest = await scanAll(backend(), { pageSize: 5, after: pages[cut]!.cursor });
      expect(idsOf(rest)).toEqual(idsOf(pages.slice(cut + 1)));

      await ctx.store.deleteMulti(ids);
    });

    it("does not list deleted nodes", async () => {
      const keep = newId();
      const gone = newId();
      await ctx.store.setMulti([
        { id: keep, main: { keep: true } },
        { id: gone, main: { keep: false } },
      ]);
      await ctx.store.delete(gone);
      const listed = idsOf(await scanAll(backend()));
      expect(listed).toContain(keep);
      expect(listed).not.toContain(gone);
      await ctx.store.delete(keep);
    });

    it("since/until keep the nodes last written in [since, until)", async () => {
      const id = newId();
      const before = Date.now();
      await ctx.store.set(id, { when: "now" });
      const hour = 3_600_000;
      const inWindow = idsOf(
        await scanAll(backend(), { since: new Date(before - hour), until: new Date(Date.now() + hour) }),
      );
      expect(inWindow).toContain(id);
      expect(idsOf(await scanAll(backend(), { since: new Date(Date.now() + hour) }))).not.toContain(id);
      expect(idsOf(await scanAll(backend(), { until: new Date(before - hour) }))).not.toContain(id);
      await ctx.store.delete(id);
    });

    it("refuses a bad pageSize or window before any I/O", async () => {
      await expect(scanAll(backend(), { pageSize: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(scanAll(backend(), { since: new Date(Number.NaN) })).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    });

    it("stops with the abort reason when its signal is aborted", async () => {
      await ctx.store.set(newId(), { x: 1 });
      const controller = new AbortController();
      controller.abort(new Error("stop listing"));
      await expect(scanAll(backend(), { signal: controller.signal })).rejects.toThrow("stop listing");
    });
  });
}
