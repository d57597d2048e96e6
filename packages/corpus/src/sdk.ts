/**
 * The @sentry/node harness: one SDK client per process, initialised without default integrations
 * (no http/console instrumentation, no OpenTelemetry setup) and with an in-memory transport, so
 * nothing ever goes to the network. Events are what the SDK would have put in the envelope,
 * round-tripped through JSON exactly like the real transport serialises them.
 */
import { readFileSync } from "node:fs";
import * as Sentry from "@sentry/node";

export type SdkPayload = Record<string, unknown>;
export type SdkApi = { Sentry: typeof Sentry; scope: Sentry.Scope; isolationScope: Sentry.Scope };
/** A job runs synchronously inside fresh isolation + current scopes and must capture exactly one event. */
export type SdkJob = (api: SdkApi) => void;

type Integration = Extract<NonNullable<Sentry.NodeOptions["integrations"]>, unknown[]>[number];

const MARKER = "corpus.job";
const LINES_OF_CONTEXT = 5;

/**
 * Context lines for the application's frames, added the way @sentry/node's contextLinesIntegration
 * does (5 lines either side, lines over 150 characters snipped). That integration is not used: its
 * file cache (10 files, shared by events being processed concurrently) makes the presence of
 * context lines depend on timing and on earlier events, which would break determinism.
 */
function contextLinesFor(root: string): Integration {
  const files = new Map<string, string[] | null>();
  const linesOf = (filename: string) => {
    if (!files.has(filename)) {
      let lines: string[] | null = null;
      try {
        lines = readFileSync(filename, "utf8").split(/\r?\n/);
      } catch {
        lines = null;
      }
      files.set(filename, lines);
    }
    return files.get(filename) ?? null;
  };
  const snip = (line: string) => (line.length <= 150 ? line : `${line.slice(0, 140)} {snip}`);
  return {
    name: "ContextLines",
    processEvent(event: Sentry.Event) {
      for (const exception of event.exception?.values ?? []) {
        for (const frame of exception.stacktrace?.frames ?? []) {
          if (!frame.filename?.startsWith(root) || typeof frame.lineno !== "number") continue;
          const lines = linesOf(frame.filename);
          const at = (n: number) => lines?.[n - 1];
          if (!lines || at(frame.lineno) === undefined) continue;
          frame.pre_context = [];
          for (let n = Math.max(1, frame.lineno - LINES_OF_CONTEXT); n < frame.lineno; n++)
            frame.pre_context.push(snip(at(n)!));
          frame.context_line = snip(at(frame.lineno)!);
          frame.post_context = [];
          for (let n = frame.lineno + 1; n <= frame.lineno + LINES_OF_CONTEXT && at(n) !== undefined; n++) {
            frame.post_context.push(snip(at(n)!));
          }
        }
      }
      return event;
    },
  };
}
const DSN = "https://0123456789abcdef0123456789abcdef@127.0.0.1/1";

type Waiter = { resolve: (event: SdkPayload) => void; reject: (error: Error) => void };

class Harness {
  readonly client: Sentry.NodeClient;
  private readonly waiting = new Map<string, Waiter>();
  private seq = 0;

  constructor(appDir: string) {
    const existing = Sentry.getClient();
    if (existing && !Object.hasOwn(existing.getOptions(), "_nodestoreCorpus")) {
      throw new Error(
        "@nodestore/corpus drives the global @sentry/node client, but another Sentry client is already active in this process",
      );
    }
    const receive = (payload: SdkPayload) => this.receive(payload);
    const transport = () => ({
      send(envelope: unknown) {
        const items = (envelope as [unknown, Array<[{ type?: string }, unknown]>])[1];
        for (const [header, body] of items) {
          if (header.type === "event" || header.type === "transaction") {
            // what the HTTP transport would have sent, parsed back
            receive(JSON.parse(JSON.stringify(body)) as SdkPayload);
          }
        }
        return Promise.resolve({});
      },
      flush: () => Promise.resolve(true),
    });
    const client = Sentry.initWithoutDefaultIntegrations({
      dsn: DSN,
      transport,
      tracesSampleRate: 1,
      traceLifecycle: "static",
      sendDefaultPii: true,
      sendClientReports: false,
      attachStacktrace: true,
      maxBreadcrumbs: 100,
      integrations: [
        Sentry.linkedErrorsIntegration(),
        Sentry.requestDataIntegration(),
        contextLinesFor(appDir),
      ],
      _nodestoreCorpus: true,
    } as Sentry.NodeOptions);
    if (!client) throw new Error("@sentry/node did not initialise (not on the main thread?)");
    this.client = client;
  }

  private receive(payload: SdkPayload): void {
    const tags = payload.tags as Record<string, unknown> | undefined;
    const job = tags?.[MARKER];
    if (typeof job !== "string") return;
    delete tags![MARKER];
    if (Object.keys(tags!).length === 0) delete payload.tags;
    const waiter = this.waiting.get(job);
    if (!waiter) return;
    this.waiting.delete(job);
    waiter.resolve(payload);
  }

  /** Runs the jobs one after the other (synchronously) and resolves with their events in order. */
  async run(jobs: SdkJob[]): Promise<SdkPayload[]> {
    const results: Array<Promise<SdkPayload>> = [];
    for (const job of jobs) {
      const id = String(++this.seq);
      results.push(new Promise<SdkPayload>((resolve, reject) => this.waiting.set(id, { resolve, reject })));
      Sentry.withIsolationScope((isolationScope) => {
        Sentry.withScope((scope) => {
          scope.setTag(MARKER, id);
          job({ Sentry, scope, isolationScope });
        });
      });
    }
    // the SDK processes events asynchronously (event processors, context lines); give it a bounded time
    const ids = [...this.waiting.keys()];
    const timer = setTimeout(() => {
      for (const id of ids) {
        const waiter = this.waiting.get(id);
        if (waiter) {
          this.waiting.delete(id);
          waiter.reject(new Error(`@sentry/node produced no event for corpus job ${id}`));
        }
      }
    }, 10_000);
    try {
      return await Promise.all(results);
    } finally {
      clearTimeout(timer);
    }
  }
}

let harness: Harness | undefined;

export function sdkHarness(appDir: string): Harness {
  harness ??= new Harness(appDir);
  return harness;
}

export const SDK_VERSION = Sentry.SDK_VERSION;
