/**
 * Stack frames: keep the application's frames (the SDK's and the corpus' own are not part of the
 * event a real service would send), map them to a deployed layout under ROOT, and make the bundled
 * `dist/server.js` frames the event had before source-map processing.
 */
import { APP_DIR } from "../scenarios/index.js";
import { type Frame, isObj, md5, type Obj, ROOT } from "./shared.js";

function moduleOf(rel: string): string {
  const noExt = rel.replace(/\.js$/, "");
  const base = noExt.startsWith("node_modules/")
    ? noExt.slice("node_modules/".length)
    : noExt.replace(/^src\//, "");
  const parts = base.split("/");
  const file = parts.pop()!;
  return parts.length ? `${parts.join(".")}:${file}` : file;
}

function isAppFrame(f: Frame): boolean {
  return typeof f.filename === "string" && f.filename.startsWith(APP_DIR);
}

/** Keeps the frames of the application (and builtins between them); maps paths to a deployed layout. */
export function rewriteFrames(frames: Frame[]): Frame[] {
  const first = frames.findIndex(isAppFrame);
  if (first < 0) return [];
  let last = frames.length - 1;
  while (!isAppFrame(frames[last]!)) last--;
  const out: Frame[] = [];
  for (const f of frames.slice(first, last + 1)) {
    if (!isAppFrame(f)) {
      if (typeof f.filename === "string" && f.filename.startsWith("/")) continue; // corpus code
      out.push({ ...f, in_app: false });
      continue;
    }
    const rel = f
      .filename!.slice(APP_DIR.length)
      .replace(/^deps\//, "node_modules/")
      .replace(/\.cjs$/, ".js");
    const filename = ROOT + rel;
    out.push({
      ...f,
      filename,
      abs_path: filename,
      module: moduleOf(rel),
      in_app: !rel.startsWith("node_modules/"),
    });
  }
  return out;
}

/** The same frames as they looked before source-map processing (a bundled dist/server.js). */
export function bundledFrame(f: Frame): Frame {
  if (!f.in_app || typeof f.filename !== "string") {
    const { pre_context: _a, context_line: _b, post_context: _c, ...rest } = f;
    return rest;
  }
  const h = Number.parseInt(md5(`${f.filename}:${f.function}`).slice(0, 6), 16);
  return {
    abs_path: `${ROOT}dist/server.js`,
    filename: `${ROOT}dist/server.js`,
    function: f.function,
    in_app: true,
    lineno: 1 + (h % 48000) + (f.lineno ?? 0),
    colno: (f.colno ?? 1) + 2,
    module: "server",
  };
}

export function exceptionValues(p: Obj): Obj[] {
  const exc = p.exception;
  return isObj(exc) && Array.isArray(exc.values) ? (exc.values as Obj[]) : [];
}

export function framesOf(v: Obj): Frame[] | undefined {
  const st = v.stacktrace;
  return isObj(st) && Array.isArray(st.frames) ? (st.frames as Frame[]) : undefined;
}
