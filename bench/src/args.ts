/** Tiny flag parser: `--flag`, `--key value`, `--key=value`. */
export type Args = {
  quick: boolean;
  only: string[] | undefined;
  corpus: string | undefined;
  count: number | undefined;
  seed: number;
  python: boolean;
  json: string | undefined;
  help: boolean;
};

export const USAGE = `Usage: pnpm bench [options]      (from the repository root; or pnpm --filter @nodestore/bench bench)

  --quick            short runs (~20 s in total)
  --only NAME[,NAME] run only these benchmarks (available: codec)
  --corpus PATH      use your own events: a directory of event JSON files or a JSONL file
                     (see packages/corpus/README.md); default: the seeded generator
  --count N          number of generated events (default 200)
  --seed N           generator seed (default 1)
  --no-python        skip the Python reference run
  --json PATH        also write all results as JSON to PATH
  --help`;

export function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    only: undefined,
    corpus: undefined,
    count: undefined,
    seed: 1,
    python: true,
    json: undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (arg === "--") continue;
    let value: string | undefined;
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const take = () => {
      const v = value ?? argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const int = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${arg} needs a non-negative integer, got ${v}`);
      return n;
    };
    switch (arg) {
      case "--quick":
        args.quick = true;
        break;
      case "--only":
        args.only = take()
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case "--corpus":
        args.corpus = take();
        break;
      case "--count":
        args.count = int(take());
        break;
      case "--seed":
        args.seed = int(take());
        break;
      case "--no-python":
        args.python = false;
        break;
      case "--json":
        args.json = take();
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return args;
}
