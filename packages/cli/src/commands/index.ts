import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { register as bootstrap } from "./bootstrap.js";
import { register as cleanup } from "./cleanup.js";
import { register as deleteCommand } from "./delete.js";
import { register as exportCommand } from "./export.js";
import { register as get } from "./get.js";
import { register as importCommand } from "./import.js";
import { register as migrate } from "./migrate.js";
import { register as put } from "./put.js";
import { register as stats } from "./stats.js";
import { register as stores } from "./stores.js";

/** Each command is one module exporting `register(program, ctx)`; this list is the order `--help` shows. */
const commands: ReadonlyArray<(program: Command, ctx: CliContext) => void> = [
  migrate,
  exportCommand,
  importCommand,
  get,
  put,
  deleteCommand,
  stats,
  bootstrap,
  cleanup,
  stores,
];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of commands) register(program, ctx);
}
