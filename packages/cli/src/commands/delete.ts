import { validateNodeId } from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { examples, STORE_HELP, STORE_OPTION, storeSpec } from "../output/args.js";
import { plural } from "../output/format.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("delete")
    .summary("delete nodes by id")
    .description(
      "Delete nodes by id (idempotent: an absent id is not an error). Every id is checked before any delete.",
    )
    .argument("<id...>", "node ids")
    .option(STORE_OPTION, STORE_HELP)
    .addHelpText(
      "after",
      examples([
        [
          "nodestore delete -s pg 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab 0d1f4e0c9b8a7f6e5d4c3b2a19081726",
          "two nodes",
        ],
        ["xargs nodestore delete -s seaweed < ids.txt", "ids from a file"],
      ]),
    )
    .action(async (ids: string[], options: { store?: string }) => {
      const { backend, store, label } = await ctx.open(storeSpec(ctx, options.store));
      for (const id of ids) validateNodeId(id, backend.idRules, backend.name);
      const unique = [...new Set(ids)];
      await store.deleteMulti(unique);
      ctx.print(`deleted ${plural(unique.length, "node")} from ${label} (absent ids included)`, {
        deleted: unique.length,
        ids: unique,
        store: label,
      });
    });
}
