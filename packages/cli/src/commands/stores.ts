import { redactUrl } from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { examples } from "../output/args.js";
import { listBackends } from "../stores/backends.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("stores")
    .summary("list the config file's named stores and the installed backends with their URL parameters")
    .description(
      "List the named stores of the config file (URLs with secrets redacted; options by name only) and every\n" +
        "backend package: installed or not, its URL schemes, an example URL and each URL parameter.",
    )
    .addHelpText(
      "after",
      examples([
        ["nodestore stores", "what can be opened here"],
        ["nodestore stores --config regions.mjs --json", "as JSON"],
      ]),
    )
    .action(async () => {
      const config = await ctx.config();
      const named = Object.entries(config?.stores ?? {}).map(([name, store]) => ({
        name,
        url: redactUrl(store.url),
        options: Object.keys(store.options ?? {}),
      }));
      const backends = await listBackends();
      const lines: string[] = [];
      if (config === undefined)
        lines.push("config: none (nodestore.config.json / .mjs / .js, --config FILE)");
      else {
        lines.push(`config: ${config.path}`);
        if (named.length === 0) lines.push("  (no stores)");
        const width = Math.max(0, ...named.map((s) => s.name.length));
        for (const s of named) {
          const options = s.options.length > 0 ? `  (options: ${s.options.join(", ")})` : "";
          lines.push(`  ${s.name.padEnd(width)}  ${s.url}${options}`);
        }
      }
      lines.push("", "backends:");
      for (const b of backends) {
        if (b.schemes === undefined) {
          lines.push(`  ${b.package}: ${b.problem}`);
          continue;
        }
        lines.push(`  ${b.schemes.map((s) => `${s}:`).join(" ")}  ${b.package}`, `    e.g. ${b.example}`);
        const params = Object.entries(b.parameters ?? {});
        const width = Math.max(0, ...params.map(([k]) => k.length));
        for (const [key, doc] of params) lines.push(`    ${key.padEnd(width)}  ${doc}`);
      }
      ctx.print(lines.join("\n"), {
        config: config?.path ?? null,
        stores: named,
        backends,
      });
    });
}
