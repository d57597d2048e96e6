/**
 * `--remap-project OLD:NEW`: move event nodes to a new project id. An event node's id is
 * md5("<project_id>:<event_id>") and its main JSON holds `_ref` (the project id) and `event_id`. For such a node
 * whose `_ref` is an OLD project, the main JSON is parsed losslessly, `_ref` set to NEW and re-encoded; every
 * other byte (the rest of the main line, every subkey line) is kept as stored, and the node goes to
 * md5("<NEW>:<event_id>").
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { encodeNodeData, parseNodeData } from "@nodestore/core";
import { CliError, EXIT } from "../exit-codes.js";

/** OLD project id → NEW project id, both as decimal strings. */
export type ProjectMap = ReadonlyMap<string, string>;

/** Commander collector for the repeatable `--remap-project OLD:NEW`. */
export function collectRemap(text: string, previous: Map<string, string> | undefined): Map<string, string> {
  const map = previous ?? new Map<string, string>();
  const match = /^\s*(\d{1,19}):(\d{1,19})\s*$/.exec(text);
  if (!match) {
    throw new CliError(
      `--remap-project must be OLD:NEW with non-negative integer project ids, got "${text}"`,
      EXIT.usage,
    );
  }
  const [oldId, newId] = [canonical(match[1]!), canonical(match[2]!)];
  if (map.has(oldId)) throw new CliError(`--remap-project: project ${oldId} is remapped twice`, EXIT.usage);
  if (oldId === newId) throw new CliError(`--remap-project ${text}: OLD and NEW are the same`, EXIT.usage);
  map.set(oldId, newId);
  return map;
}

const canonical = (digits: string) => BigInt(digits).toString();

/** The checkpoint's form: sorted [OLD, NEW] pairs. */
export function remapPairs(map: ProjectMap | undefined): Array<[string, string]> {
  return map === undefined ? [] : [...map].sort(([a], [b]) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

export type RemapResult =
  /** An event node of a remapped project: its new id and bytes. */
  | { readonly kind: "remapped"; readonly id: string; readonly bytes: Uint8Array }
  /** Anything else (another project, another id shape, not JSON): copied as it is. */
  | { readonly kind: "unchanged" }
  /** An event node of a remapped project that cannot be rewritten byte-exactly: reported, not copied. */
  | { readonly kind: "failed"; readonly reason: string };

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const ID_SHAPE = /^[0-9a-f]{32}$/;

/** The main JSON line: the bytes before the first LF or CR (Sentry's framing; see core's format/framing). */
function mainLineEnd(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a || bytes[i] === 0x0d) return i;
  return bytes.length;
}

export function remapNode(id: string, bytes: Uint8Array, map: ProjectMap): RemapResult {
  // Event node ids are 32 lowercase hex chars; every other id shape is left alone without parsing.
  if (!ID_SHAPE.test(id) || bytes.length === 0 || bytes[0] !== 0x7b /* { */) return { kind: "unchanged" };
  const end = mainLineEnd(bytes);
  const mainBytes = Buffer.from(bytes.buffer, bytes.byteOffset, end);
  let main: unknown;
  try {
    main = parseNodeData(mainBytes, { lossless: true }).main;
  } catch {
    return { kind: "unchanged" };
  }
  if (main === null || typeof main !== "object" || Array.isArray(main)) return { kind: "unchanged" };
  const record = main as Record<string, unknown>;
  const ref = record._ref;
  const eventId = record.event_id;
  if (typeof eventId !== "string") return { kind: "unchanged" };
  if (!((typeof ref === "number" && Number.isSafeInteger(ref) && ref >= 0) || typeof ref === "bigint")) {
    return { kind: "unchanged" };
  }
  const oldProject = String(ref);
  const newProject = map.get(oldProject);
  if (newProject === undefined || md5(`${oldProject}:${eventId}`) !== id) return { kind: "unchanged" };
  // Re-encoding must give back the stored main line exactly, or the rewrite would change more than `_ref`.
  let again: Uint8Array;
  try {
    again = encodeNodeData(main);
  } catch (error) {
    return { kind: "failed", reason: `remap: main JSON cannot be re-encoded (${(error as Error).message})` };
  }
  if (!Buffer.from(again).equals(mainBytes)) {
    return {
      kind: "failed",
      reason:
        "remap: main JSON is not in Sentry's canonical encoding, so it cannot be rewritten byte-exactly",
    };
  }
  const asNumber = Number(newProject);
  record._ref = Number.isSafeInteger(asNumber) ? asNumber : BigInt(newProject);
  const newMain = encodeNodeData(record);
  const out = Buffer.allocUnsafe(newMain.length + bytes.length - end);
  out.set(newMain, 0);
  out.set(bytes.subarray(end), newMain.length);
  return { kind: "remapped", id: md5(`${newProject}:${eventId}`), bytes: out };
}
