export { CliContext, type CliIo } from "./context.js";
export { CliError, EXIT, type ExitCode } from "./exit-codes.js";
export { runCli } from "./program.js";
export { type CliConfig, loadConfig, type NamedStore } from "./stores/config.js";
export { type OpenedStore, openStore } from "./stores/open.js";
