/**
 * The pipeline: Relay, then the event manager (and the `unprocessed` copy for reprocessable events),
 * trimmed towards the event's size target and held under the hard cap. Sizes are those of the
 * stored form (`sentryJsonDumps` of main and `unprocessed`), i.e. the bytes nodestore would get.
 */
import { sentryJsonDumps } from "../json.js";
import { eventManager } from "./event-manager.js";
import { bundledFrame, exceptionValues, framesOf } from "./frames.js";
import { scrubBreadcrumbs } from "./normalize.js";
import { relay } from "./relay.js";
import { isObj, type Obj, ROOT, type Span, type StoredEvent, type StoredInput } from "./shared.js";
import { assignSpanTimes } from "./spans.js";

function unprocessedCopy(p: Obj, debugId: string): Obj {
  const copy = structuredClone(p);
  for (const v of exceptionValues(copy)) {
    const fr = framesOf(v);
    if (fr) (v.stacktrace as Obj).frames = fr.map(bundledFrame);
  }
  copy.debug_meta = {
    images: [{ type: "sourcemap", code_file: `${ROOT}dist/server.js`, debug_id: debugId }],
  };
  return copy;
}

function encodedLength(main: Obj, unprocessed: Obj | undefined): number {
  return sentryJsonDumps(main).length + (unprocessed ? 13 + sentryJsonDumps(unprocessed).length : 0);
}

export function toStored(input: StoredInput): StoredEvent {
  const { p, spans, meta } = relay(input);
  const isTx = p.type === "transaction";
  const hasFrames = exceptionValues(p).some((v) => framesOf(v)?.length);
  const reprocessable = input.withUnprocessed && !isTx && hasFrames;
  const insertDelay = input.rng.float(0.2, 8);
  const debugId = `${input.rng.hex(8)}-${input.rng.hex(4)}-4${input.rng.hex(3)}-a${input.rng.hex(3)}-${input.rng.hex(12)}`;

  const build = (): { main: Obj; unprocessed?: Obj } => {
    const unprocessed = reprocessable ? unprocessedCopy(p, debugId) : undefined;
    const main = structuredClone(p);
    if (reprocessable)
      main.debug_meta = {
        images: [{ type: "sourcemap", code_file: `${ROOT}dist/server.js`, debug_id: debugId }],
      };
    eventManager(main, input, reprocessable, insertDelay);
    return { main, unprocessed };
  };

  // Trim towards the target: keep the newest breadcrumbs / drop leaf spans that fit.
  const target = Math.min(input.plan.targetBytes, input.maxBytes);
  const crumbs = isObj(p.breadcrumbs) ? (p.breadcrumbs.values as Obj[]) : [];
  if (crumbs.length) {
    const copies = reprocessable ? 2 : 1;
    (p.breadcrumbs as Obj).values = [];
    const base = build();
    let size = encodedLength(base.main, base.unprocessed);
    let keep = 0;
    for (let i = crumbs.length - 1; i >= 0; i--) {
      const add = (sentryJsonDumps(crumbs[i]).length + 1) * copies;
      if (size + add > target && keep > 0) break;
      size += add;
      keep++;
    }
    if (keep === 0 && size > target) (p.breadcrumbs as Obj).values = [];
    else (p.breadcrumbs as Obj).values = crumbs.slice(crumbs.length - keep);
    if (((p.breadcrumbs as Obj).values as Obj[]).length === 0) delete p.breadcrumbs;
  }
  if (isTx && spans.length) {
    const sizes = new Map(spans.map((s) => [s, sentryJsonDumps(s).length + 1]));
    let size = encodedLength(build().main, undefined);
    let kept = spans.slice();
    while (size > target && kept.length > 1) {
      const parents = new Set(kept.map((s) => s.parent_span_id));
      const idx = kept.findLastIndex((s) => !parents.has(s.span_id));
      size -= sizes.get(kept[idx]!)!;
      kept = kept.filter((_, i) => i !== idx);
    }
    if (kept.length !== spans.length) {
      p.spans = kept;
      assignSpanTimes(
        p,
        kept,
        input.rng.fork("retime"),
        p.start_timestamp as number,
        ((p.timestamp as number) - (p.start_timestamp as number)) * 1000,
      );
    }
  }

  // Relay's PII scrubbing of one breadcrumb (after trimming, so the _meta index is right)
  scrubBreadcrumbs(p, input.rng, meta);
  if (Object.keys(meta).length) p._meta = meta;

  let { main, unprocessed } = build();
  // Hard cap: drop the outermost frames of the longest stack (context lines are the bulk).
  while (encodedLength(main, unprocessed) > input.maxBytes) {
    const values = exceptionValues(p).filter((v) => (framesOf(v)?.length ?? 0) > 1);
    if (isTx && Array.isArray(p.spans) && (p.spans as Span[]).length > 1) {
      const list = p.spans as Span[];
      const parents = new Set(list.map((s) => s.parent_span_id));
      const idx = list.findLastIndex((s) => !parents.has(s.span_id));
      list.splice(idx, 1);
    } else if (values.length) {
      const longest = values.reduce((a, b) => (framesOf(a)!.length >= framesOf(b)!.length ? a : b));
      framesOf(longest)!.shift();
    } else if (isObj(p.extra)) {
      delete p.extra;
    } else {
      break;
    }
    ({ main, unprocessed } = build());
  }

  (main._metrics as Obj)["bytes.stored.event"] = encodedLength(main, unprocessed);
  return { main, subkeys: unprocessed ? [["unprocessed", unprocessed]] : [] };
}
