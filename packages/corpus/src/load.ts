import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { nodeId, normalizeEventId } from "./ids.js";
import type { CorpusEvent } from "./types.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function subkeysOf(value: unknown, where: string): Array<[string, unknown]> {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((entry, i) => {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") {
        throw new Error(`${where}: subkeys[${i}] is not a [name, value] pair`);
      }
      return [entry[0], entry[1]];
    });
  }
  if (isObj(value)) return Object.entries(value);
  throw new Error(`${where}: subkeys must be an array of pairs or an object`);
}

/** Accepts either a bare event object or `{id?, main, subkeys?}`. */
export function toCorpusEvent(value: unknown, where: string): CorpusEvent {
  if (!isObj(value)) throw new Error(`${where}: expected a JSON object`);
  const wrapped = isObj(value.main) && !("event_id" in value);
  const main = (wrapped ? value.main : value) as Obj;
  const subkeys = wrapped ? subkeysOf(value.subkeys, where) : [];
  const rawEventId = main.event_id;
  const projectId = Number(value.projectId ?? main.project ?? main._ref ?? 1);
  const eventId = typeof rawEventId === "string" ? normalizeEventId(rawEventId) : "";
  let id = typeof value.id === "string" && wrapped ? value.id : "";
  if (!id) {
    if (!eventId) throw new Error(`${where}: no "id" and no "event_id" to compute the node id from`);
    id = nodeId(projectId, eventId);
  }
  return {
    id,
    projectId,
    eventId,
    kind: main.type === "transaction" ? "transaction" : "error",
    main,
    subkeys,
  };
}

function parseJsonl(text: string, file: string): CorpusEvent[] {
  const out: CorpusEvent[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    out.push(toCorpusEvent(JSON.parse(line), `${file}:${i + 1}`));
  });
  return out;
}

function parseJson(text: string, file: string): CorpusEvent[] {
  const value = JSON.parse(text) as unknown;
  return Array.isArray(value)
    ? value.map((v, i) => toCorpusEvent(v, `${file}[${i}]`))
    : [toCorpusEvent(value, file)];
}

/**
 * Loads your own corpus: a directory of event JSON files (one event, or an array of events, per
 * file; read in name order) or a JSONL file (one event per line). Each entry is an event object
 * (node id computed from `project`/`_ref` and `event_id`) or `{id, main, subkeys}`.
 */
export async function loadCorpus(path: string): Promise<CorpusEvent[]> {
  const info = await stat(path);
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((n) => n.endsWith(".json") || n.endsWith(".jsonl")).sort();
    const out: CorpusEvent[] = [];
    for (const name of names) {
      const file = join(path, name);
      const text = await readFile(file, "utf8");
      out.push(...(name.endsWith(".jsonl") ? parseJsonl(text, file) : parseJson(text, file)));
    }
    return out;
  }
  const text = await readFile(path, "utf8");
  return path.endsWith(".json") ? parseJson(text, path) : parseJsonl(text, path);
}
