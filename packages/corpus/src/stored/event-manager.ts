/** The event manager's part: grouping, metadata and the nodestore bookkeeping fields. */
import { bundledFrame, exceptionValues, framesOf } from "./frames.js";
import { isObj, md5, type Obj, ROOT, round6, type Span, type StoredInput } from "./shared.js";
import { breakdowns } from "./spans.js";

const GROUPING_CONFIG = {
  enhancements: "KLUv_SAYwQAAkwKRs25ld3N0eWxlOjIwMjMtMDEtMTGQ",
  id: "newstyle:2023-01-11",
};

function firstLine(s: string, max: number): string {
  const line = s.split("\n")[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

export function eventManager(p: Obj, input: StoredInput, processed: boolean, insertDelay: number): void {
  const isTx = p.type === "transaction";
  p._ref = input.projectId;
  p._ref_version = 2;
  if (isTx) {
    const name = String(p.transaction);
    p.title = name;
    p.location = name;
    p.culprit = name;
    p.metadata = { location: name, title: name };
    p.span_grouping_config = { id: "default:2022-10-27" };
    p.breakdowns = breakdowns(p.spans as Span[]);
  } else {
    const values = exceptionValues(p);
    const main = values.at(-1);
    const frames = main ? (framesOf(main) ?? []) : [];
    const inApp = frames.filter((f) => f.in_app);
    const top = inApp.at(-1) ?? frames.at(-1);
    const message = isObj(p.logentry) ? String(p.logentry.formatted) : "";
    if (main?.type) {
      const value = String(main.value ?? "");
      p.type = "error";
      p.title = value ? `${main.type}: ${firstLine(value, 100)}` : String(main.type);
      p.metadata = {
        display_title_with_tree_label: false,
        ...(top ? { filename: top.filename, function: top.function } : {}),
        in_app_frame_mix:
          inApp.length === frames.length ? "in-app-only" : inApp.length ? "mixed" : "system-only",
        initial_priority: p.level === "error" ? 75 : 50,
        type: main.type,
        value: firstLine(value, 200),
      };
    } else {
      p.type = "default";
      p.title = firstLine(message || String(main?.value ?? "<unlabeled event>"), 100);
      p.metadata = { title: p.title, initial_priority: p.level === "error" ? 75 : 50 };
    }
    p.location = top ? top.filename : undefined;
    p.culprit = top ? `${top.function}(${top.module ?? top.filename})` : String(p.transaction ?? "");
    const grouping = values.map(
      (v) =>
        `${v.type}|${(framesOf(v) ?? [])
          .filter((f) => f.in_app)
          .map((f) => `${f.module}.${f.function}`)
          .join(",")}`,
    );
    p.hashes = [md5(grouping.length ? grouping.join("\n") : message)];
    p.grouping_config = GROUPING_CONFIG;
    if (processed) {
      // source-mapped frames remember how they were resolved; the minified ones go to raw_stacktrace
      for (const v of values) {
        const fr = framesOf(v);
        if (!fr) continue;
        v.raw_stacktrace = { frames: fr.map(bundledFrame) };
        for (const f of fr) {
          if (f.in_app)
            f.data = {
              sourcemap: `${ROOT}dist/server.js.map`,
              resolved_with: "debug-id",
              symbolicated: true,
            };
        }
      }
    }
  }
  if (p.location === undefined) delete p.location;
  p.nodestore_insert = round6((p.received as number) + insertDelay);
}
