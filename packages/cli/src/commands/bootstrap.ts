import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { examples } from "../output/args.js";

export function register(program: Command, ctx: CliContext): void {
  program
    .command("bootstrap")
    .summary("create what a store needs (table, bucket, index template); safe to repeat")
    .description(
      "Create what the store needs: the nodestore_node table (Postgres), the bucket (S3), the index template and\n" +
        "today's index (OpenSearch), the table (Tablestore). Safe to run again; existing data is never touched.",
    )
    .argument("<store>", "store URL or config name")
    .addHelpText(
      "after",
      examples([
        [
          "nodestore bootstrap 's3://nodestore/nodestore?endpoint=http://localhost:8333&region=us-east-1'",
          "an S3 bucket",
        ],
        ["nodestore bootstrap opensearch://localhost:9200", "the OpenSearch template"],
      ]),
    )
    .action(async (spec: string) => {
      const { backend, store, label } = await ctx.open(spec);
      if (backend.bootstrap === undefined) {
        ctx.print(`${label}: the ${backend.name} backend needs no bootstrap`, {
          store: label,
          backend: backend.name,
          bootstrapped: false,
        });
        return;
      }
      await store.bootstrap();
      ctx.print(`${label}: bootstrapped (${backend.name})`, {
        store: label,
        backend: backend.name,
        bootstrapped: true,
      });
    });
}
