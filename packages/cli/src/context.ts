import type { StoreEnv } from "@nodestore/core";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import { type CliConfig, loadConfig } from "./stores/config.js";
import { type OpenedStore, openStore } from "./stores/open.js";
import { SecretSet } from "./stores/secrets.js";

/** What every command gets: where to write, the environment, and the way to open stores. Tests pass their own. */
export interface CliIo {
  readonly env: StoreEnv;
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Where `put` reads a node from when no FILE (or `-`) is given. Absent: stdin cannot be read. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Aborted on Ctrl-C / SIGTERM: long commands stop, save their checkpoint and exit 130. */
  readonly signal: AbortSignal;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
}

/** Global options (before or after the command name). */
export interface GlobalOptions {
  readonly config?: string;
  readonly json?: boolean;
}

/** A store spec that is a URL (`scheme:`…) rather than the name of a store in the config file. */
export const isStoreUrl = (spec: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(spec);

export class CliContext {
  #config: Promise<CliConfig | undefined> | undefined;
  readonly #opened: OpenedStore[] = [];
  /** Every secret seen so far; `scrub` removes them from a line before it is printed. */
  readonly secrets = new SecretSet();
  /** Set by a command that finished but not fully (`EXIT.partial`); `runCli` returns it. */
  exitCode: ExitCode = EXIT.ok;

  constructor(
    readonly io: CliIo,
    readonly globals: () => GlobalOptions,
  ) {
    this.secrets.addEnv(io.env);
  }

  get json(): boolean {
    return this.globals().json === true;
  }

  /** `--config`, else `$NODESTORE_CONFIG`, else `./nodestore.config.{json,mjs,js}` when present. */
  config(): Promise<CliConfig | undefined> {
    this.#config ??= loadConfig(
      this.globals().config ?? blank(this.io.env.NODESTORE_CONFIG),
      this.io.cwd,
    ).then((config) => {
      for (const store of Object.values(config?.stores ?? {})) {
        this.secrets.addUrl(store.url);
        this.secrets.addOptions(store.options);
      }
      return config;
    });
    return this.#config;
  }

  /**
   * Opens a store by URL or config name; `closeAll` closes every store opened. A URL does not need the config
   * file (a broken one in the current directory does not stop it) unless `--config` names one.
   */
  async open(spec: string): Promise<OpenedStore> {
    if (typeof spec !== "string" || spec === "") throw new CliError("empty store name or URL", EXIT.usage);
    const url = isStoreUrl(spec);
    if (url) this.secrets.addUrl(spec);
    const explicit = this.globals().config ?? blank(this.io.env.NODESTORE_CONFIG);
    const config = url && explicit === undefined ? undefined : await this.config();
    const opened = await openStore(spec, config, this.io.env);
    this.#opened.push(opened);
    return opened;
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.#opened.splice(0).map((s) => s.close()));
  }

  /** A result: one JSON document with `--json`, else the human text. */
  print(human: string, json: unknown): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(json)}\n` : `${human}\n`);
  }

  /** A line for people (stderr, so stdout stays the result); silent with `--json`. Secrets removed. */
  note(line: string): void {
    if (!this.json) this.io.stderr.write(`${this.scrub(line)}\n`);
  }

  /** `text` without any secret the CLI has seen. */
  scrub(text: string): string {
    return this.secrets.scrub(text);
  }
}

const blank = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value;
