import { readFileSync } from "node:fs";
import { NodestoreError } from "@nodestore/core";
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { CliContext, type CliIo, type GlobalOptions } from "./context.js";
import { CliError, EXIT, EXIT_NAMES, type ExitCode } from "./exit-codes.js";

/** The package's version (`nodestore --version`), read next to `src/` or `dist/`. */
export const VERSION: string = (() => {
  try {
    return (
      JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
    ).version;
  } catch {
    return "unknown";
  }
})();

const PROGRAM_HELP = `
Stores are named by URL (each parsed by its backend package, loaded only when installed) or by name from a
config file (nodestore.config.json / .mjs / .js in the current directory, --config FILE or $NODESTORE_CONFIG):
  postgres://user:password@host:5432/sentry      @nodestore/django-pg  (or PGHOST, PGUSER, PGPASSWORD, …)
  s3://bucket/prefix?endpoint=http://host:8333&region=us-east-1
                                                 @nodestore/s3  (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …)
  opensearch://host:9200?alias=sentry            @nodestore/opensearch  (opensearchs:// for HTTPS)
  tablestore://instance?endpoint=https://…       @nodestore/tablestore  (ALIBABA_CLOUD_ACCESS_KEY_ID, …)
  memory:  memory:NAME                           in-process, for trials
\`nodestore stores\` lists the installed backends with every URL parameter. Secrets are never printed.

Exit codes:
  0    done                           1    partly done (some nodes failed or differ), or the node is absent
  2    bad usage, URL, id or input    3    a store is unreachable or timed out: run it again (--resume)
  4    any other failure              130  interrupted (Ctrl-C); the checkpoint is saved where there is one

With --json every command prints one JSON document on stdout, errors too: {"error":{"message","code","exitCode"}}.
`;

/** The `nodestore` program. Returns the exit code instead of exiting, so tests run it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // Known before parsing, so commander's own errors (unknown option, missing argument) are JSON too.
  const jsonRequested = argv.includes("--json");
  let ctx: CliContext | undefined;
  const program = new Command("nodestore")
    .description("Sentry nodestore operations across Postgres, S3, OpenSearch and Tablestore.")
    .version(VERSION, "-V, --version", "print the version")
    .option(
      "--config <file>",
      "config file with named stores (default: $NODESTORE_CONFIG, else ./nodestore.config.{json,mjs,js})",
    )
    .option("--json", "print one JSON document (scripts); errors too")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => {
        // With --json, stderr gets nothing but progress: the error is already on stdout as JSON.
        if (!jsonRequested) io.stderr.write(text);
      },
      outputError: (text) => {
        const message = scrub(text.trim().replace(/^error: /, ""));
        if (jsonRequested) {
          io.stdout.write(`${JSON.stringify({ error: { message, code: "USAGE", exitCode: EXIT.usage } })}\n`);
        } else {
          io.stderr.write(`nodestore: ${message}\n`);
        }
      },
    })
    .addHelpText("after", PROGRAM_HELP);
  const scrub = (text: string) => ctx?.scrub(text) ?? text;
  ctx = new CliContext(io, () => program.opts<GlobalOptions>());
  registerCommands(program, ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx, io, jsonRequested);
  } finally {
    await ctx.closeAll();
  }
}

function reportError(error: unknown, ctx: CliContext, io: CliIo, jsonRequested: boolean): ExitCode {
  if (error instanceof CommanderError) {
    // Help and version print and exit 0; every parse error has been printed by commander already.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const code = exitCodeOf(error, io);
  const message = ctx.scrub(messageOf(error));
  if (ctx.json || jsonRequested) {
    const reason =
      error instanceof CliError
        ? error.reason
        : error instanceof NodestoreError
          ? error.code
          : io.signal.aborted
            ? "INTERRUPTED"
            : EXIT_NAMES[code];
    io.stdout.write(`${JSON.stringify({ error: { message, code: reason, exitCode: code } })}\n`);
  } else {
    io.stderr.write(`nodestore: ${message}\n`);
  }
  return code;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0] || (error as Error)?.name || "unknown error";
}

function exitCodeOf(error: unknown, io: CliIo): ExitCode {
  if (error instanceof CliError) return error.code;
  if (io.signal.aborted) return EXIT.interrupted;
  if (error instanceof NodestoreError) {
    if (error.retryable) return EXIT.unavailable;
    if (
      error.code === "INVALID_ID" ||
      error.code === "INVALID_ARGUMENT" ||
      error.code === "INVALID_DATA" ||
      error.code === "PAYLOAD_TOO_LARGE" ||
      error.code === "NOT_SUPPORTED"
    ) {
      return EXIT.usage;
    }
  }
  return EXIT.failure;
}
