import {
  CorruptNodeError,
  eventNodeId,
  looksLikePickle,
  parseNodeData,
  RawSubkeyName,
  validateNodeId,
} from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { examples, STORE_HELP, STORE_OPTION, storeSpec } from "../output/args.js";
import { toJsonText } from "../output/json.js";

interface GetOptions {
  readonly store?: string;
  readonly project?: string;
  readonly event?: string;
  readonly subkey?: string;
  readonly raw?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("get")
    .summary("print one node (pretty JSON, a subkey, or its raw bytes)")
    .description(
      "Print one node: its main value as pretty JSON (numbers exactly as stored), a --subkey, or with --raw the\n" +
        "node's exact bytes as stored by Sentry (JSON main line, then subkey lines; decompressed). Absent: exit 1.",
    )
    .argument("[id]", "node id (or name the event with --project and --event)")
    .option(STORE_OPTION, STORE_HELP)
    .option("--project <id>", "project id of an event node (with --event): id = md5(<project>:<event>)")
    .option("--event <id>", "event id, 32 hex characters (dashes allowed)")
    .option("--subkey <name>", 'a subkey instead of the main value (e.g. "unprocessed")')
    .option("--raw", "the node's exact bytes on stdout, nothing decoded")
    .addHelpText(
      "after",
      examples([
        [
          "nodestore get -s postgres://sentry@localhost/sentry 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab",
          "a node by id",
        ],
        [
          "nodestore get -s seaweed --project 3 --event 6a0b35e7-4d2c-4b0e-9f0d-3f8d0c5a1b2e",
          "an event body, store named in nodestore.config.json",
        ],
        [
          "nodestore get -s seaweed --project 3 --event 6a0b35e74d2c4b0e9f0d3f8d0c5a1b2e --subkey unprocessed",
          "a subkey",
        ],
        ["nodestore get -s seaweed 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab --raw > node.bin", "the stored bytes"],
        ["nodestore get -s seaweed 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab --json | jq .platform", "compact JSON"],
      ]),
    )
    .action(async (idArg: string | undefined, options: GetOptions) => {
      const id = nodeIdFrom(idArg, options);
      const { backend, store, label } = await ctx.open(storeSpec(ctx, options.store));
      validateNodeId(id, backend.idRules, backend.name);
      const bytes = await store.getBytes(id);
      if (bytes === null) {
        throw new CliError(`node ${id} not found in ${label}`, EXIT.partial, "NOT_FOUND");
      }
      if (options.raw) {
        ctx.io.stdout.write(bytes);
        return;
      }
      if (bytes.byteLength > 0 && bytes[0] !== 0x7b && looksLikePickle(bytes)) {
        throw new CliError(
          `node ${id} in ${label} is a legacy pickled node (written by Sentry before 2021, ${bytes.byteLength} bytes): it has no JSON form; dump it with --raw`,
          EXIT.failure,
          "LEGACY_PICKLE_NODE",
        );
      }
      const parsed = parse(bytes, id, backend.name);
      let value: unknown;
      if (options.subkey === undefined) {
        value = parsed.main;
        if (value === null && bytes.byteLength === 0) {
          throw new CliError(`node ${id} in ${label} is empty (0 bytes)`, EXIT.failure, "CORRUPT_NODE");
        }
        if (parsed.names.length > 0)
          ctx.note(`subkeys: ${parsed.names.join(", ")} (show one with --subkey NAME)`);
      } else {
        const index = parsed.names.indexOf(options.subkey);
        if (index < 0) {
          const has = parsed.names.length > 0 ? `its subkeys: ${parsed.names.join(", ")}` : "it has none";
          throw new CliError(
            `node ${id} in ${label} has no subkey "${options.subkey}" (${has})`,
            EXIT.partial,
            "NOT_FOUND",
          );
        }
        value = parsed.values[index];
      }
      ctx.io.stdout.write(`${toJsonText(value, ctx.json ? undefined : 2)}\n`);
    });
}

/** The id from the argument, or from --project/--event (never both). */
function nodeIdFrom(idArg: string | undefined, options: GetOptions): string {
  const byEvent = options.project !== undefined || options.event !== undefined;
  if (byEvent) {
    if (idArg !== undefined) throw new CliError("give a node id or --project/--event, not both", EXIT.usage);
    if (options.project === undefined || options.event === undefined) {
      throw new CliError("--project and --event go together", EXIT.usage);
    }
    return eventNodeId(options.project, options.event); // InvalidIdError: exit 2 with the reason
  }
  if (idArg === undefined) throw new CliError("give a node id, or --project P --event E", EXIT.usage);
  return idArg;
}

/** Main and subkeys, numbers kept exactly (lossless); a damaged payload is a one-line CorruptNodeError. */
function parse(bytes: Uint8Array, id: string, backend: string) {
  let data: ReturnType<typeof parseNodeData>;
  try {
    try {
      data = parseNodeData(bytes, { lossless: true });
    } catch (error) {
      // Lossless refuses a trailing subkey name without a value; Sentry's reader ignores it, so do we.
      if (!(error instanceof CorruptNodeError && error.layer === "framing")) throw error;
      data = parseNodeData(bytes);
    }
  } catch (error) {
    throw error instanceof CorruptNodeError ? error.withContext(id, backend) : error;
  }
  // Readers find the first subkey of a name, with surrounding whitespace stripped.
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [name, value] of data.subkeys) {
    const text = name instanceof RawSubkeyName ? name.raw.trim() : name;
    if (names.includes(text)) continue;
    names.push(text);
    values.push(value);
  }
  return { main: data.main, names, values };
}
