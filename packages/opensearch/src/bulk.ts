import { type DocumentFailure, OpenSearchBulkError, reasonOf, type ServerError } from "./errors.js";
import { type Requester, send } from "./transport.js";

/** One `_bulk` action: its NDJSON lines and the node it concerns. */
export interface BulkAction {
  readonly id: string;
  readonly lines: string;
}

export const indexAction = (index: string, id: string, doc: unknown): BulkAction => ({
  id,
  lines: `${JSON.stringify({ index: { _index: index, _id: id } })}\n${JSON.stringify(doc)}\n`,
});

export const deleteAction = (index: string, id: string): BulkAction => ({
  id,
  lines: `${JSON.stringify({ delete: { _index: index, _id: id } })}\n`,
});

interface BulkItem {
  _index?: string;
  _id?: string;
  status?: number;
  result?: string;
  error?: ServerError | string;
}

interface BulkAnswer {
  errors?: boolean;
  items?: Array<Record<string, BulkItem>>;
}

/**
 * Sends `actions` as `_bulk` requests of at most `maxBytes` of NDJSON each (one request unless the body is
 * larger; an action bigger than `maxBytes` goes alone). Every document that failed is collected and thrown once
 * as an `OpenSearchBulkError` listing the ids; a delete of a document already gone is not a failure.
 */
export async function sendBulk(
  r: Requester,
  operation: string,
  actions: readonly BulkAction[],
  options: { maxBytes: number; refresh: boolean | "wait_for" },
): Promise<{ requests: number }> {
  const failures: DocumentFailure[] = [];
  let requests = 0;
  let batch: BulkAction[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    bytes = 0;
    requests++;
    const { body } = await send<BulkAnswer>(r, operation, sent.length === 1 ? { id: sent[0]!.id } : {}, {
      method: "POST",
      path: "/_bulk",
      querystring: { refresh: options.refresh === false ? undefined : String(options.refresh) },
      ndjson: sent.map((a) => a.lines).join(""),
    });
    if (body.errors !== true) return;
    (body.items ?? []).forEach((entry, i) => {
      const item = Object.values(entry)[0];
      if (item === undefined || item.error === undefined) return;
      if (item.status === 404 && item.result === "not_found") return;
      const { type, reason } = reasonOf(item.error);
      failures.push({
        id: item._id ?? sent[i]?.id ?? "?",
        index: item._index,
        status: item.status,
        type,
        reason,
      });
    });
  };
  for (const action of actions) {
    const size = Buffer.byteLength(action.lines);
    if (bytes > 0 && bytes + size > options.maxBytes) await flush();
    batch.push(action);
    bytes += size;
  }
  await flush();
  if (failures.length > 0) throw new OpenSearchBulkError(r.backend, operation, failures, actions.length);
  return { requests };
}
