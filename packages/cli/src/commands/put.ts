import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { encodeNodeData, validateNodeId } from "@nodestore/core";
import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import { examples, intArg, STORE_HELP, STORE_OPTION, storeSpec } from "../output/args.js";
import { bytes as size } from "../output/format.js";
import { parseJsonLossless } from "../output/json.js";

interface PutOptions {
  readonly store?: string;
  readonly subkey: string[];
  readonly ttl?: number;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("put")
    .summary("write one node from a JSON file or stdin")
    .description(
      "Write one node (a full overwrite): its main value is the JSON object in FILE (or stdin with - or no FILE),\n" +
        "each --subkey NAME=FILE adds a subkey. Numbers are stored as written (1.0 stays a float, big integers exact).",
    )
    .argument("<id>", "node id")
    .argument("[file]", "JSON file of the main value; - or absent: stdin")
    .option(STORE_OPTION, STORE_HELP)
    .option(
      "--subkey <name=file>",
      "a subkey from a JSON file (any JSON value); repeatable",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option(
      "--ttl <seconds>",
      "time to live, for backends that keep one (ignored by the others, as in Sentry)",
      intArg(1),
    )
    .addHelpText(
      "after",
      examples([
        ["nodestore put -s memory:trial 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab event.json", "from a file"],
        [
          "nodestore get -s old 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab --json | nodestore put -s new 5f0e2b1c6f0bd1b6c2d1a7f3e8c9d0ab",
          "copy a node's main value",
        ],
        [
          "nodestore put -s pg 5f0e… event.json --subkey unprocessed=raw.json --ttl 86400",
          "with a subkey and a TTL",
        ],
      ]),
    )
    .action(async (id: string, file: string | undefined, options: PutOptions) => {
      const main = await readJson(ctx, file ?? "-");
      if (typeof main !== "object" || main === null || Array.isArray(main)) {
        throw new CliError(
          `${file ?? "stdin"}: the main value must be a JSON object (Sentry's reader requires it)`,
          EXIT.usage,
        );
      }
      const subkeys: Array<[string, unknown]> = [];
      for (const spec of options.subkey) {
        const eq = spec.indexOf("=");
        if (eq <= 0 || eq === spec.length - 1) {
          throw new CliError(`--subkey ${spec}: expected NAME=FILE`, EXIT.usage);
        }
        const name = spec.slice(0, eq);
        if (subkeys.some(([n]) => n === name)) throw new CliError(`--subkey ${name} given twice`, EXIT.usage);
        subkeys.push([name, await readJson(ctx, spec.slice(eq + 1))]);
      }
      const { backend, store, label } = await ctx.open(storeSpec(ctx, options.store));
      validateNodeId(id, backend.idRules, backend.name);
      // Encoded once here (bad subkey names fail before any I/O), stored as bytes.
      const encoded = encodeNodeData(main, subkeys.length > 0 ? subkeys : undefined);
      await store.setBytes(id, encoded, options.ttl);
      const names = subkeys.map(([n]) => n);
      ctx.print(
        `stored ${id} in ${label} (${size(encoded.byteLength)}${names.length > 0 ? `, subkeys ${names.join(", ")}` : ""})`,
        { stored: id, store: label, bytes: encoded.byteLength, subkeys: names, ttl: options.ttl ?? null },
      );
    });
}

async function readJson(ctx: CliContext, file: string): Promise<unknown> {
  let text: string;
  const where = file === "-" ? "stdin" : file;
  if (file === "-") {
    const stdin = ctx.io.stdin;
    if (stdin === undefined || stdin.isTTY === true) {
      throw new CliError(
        "no FILE given and stdin is not a pipe: give a JSON file, or pipe one in",
        EXIT.usage,
      );
    }
    const parts: Buffer[] = [];
    for await (const chunk of stdin)
      parts.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    text = Buffer.concat(parts).toString("utf8");
  } else {
    try {
      text = await readFile(resolve(ctx.io.cwd, file), "utf8");
    } catch (error) {
      throw new CliError(`${file}: ${(error as NodeJS.ErrnoException).code ?? "cannot read"}`, EXIT.usage);
    }
  }
  try {
    return parseJsonLossless(text);
  } catch (error) {
    throw new CliError(`${where}: not JSON (${(error as Error).message.split("\n", 1)[0]})`, EXIT.usage);
  }
}
