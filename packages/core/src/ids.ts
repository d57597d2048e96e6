import { createHash } from "node:crypto";
import { InvalidIdError } from "./errors.js";

/** Node ids as Sentry builds them (research: sentry-nodestore.md §5.1). All md5 values are lowercase hex. */

const md5 = (text: string): string => createHash("md5").update(text, "utf8").digest("hex");

/** Sentry stores event ids as 32 lowercase hex chars; a dashed UUID is accepted and normalised. */
export function normalizeEventId(eventId: string): string {
  const hex = eventId.replace(/-/g, "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) {
    throw new InvalidIdError(eventId, "an event id is 32 hex characters (a UUID, dashes optional)");
  }
  return hex;
}

function checkProjectId(projectId: number | string): string {
  const text = String(projectId);
  if (!/^\d+$/.test(text)) throw new InvalidIdError(text, "a project id is a non-negative integer");
  return text;
}

/** The event body: `md5("<project_id>:<event_id>")`. */
export function eventNodeId(projectId: number | string, eventId: string): string {
  return md5(`${checkProjectId(projectId)}:${normalizeEventId(eventId)}`);
}

/** reprocessing2's dedicated unprocessed-event node (legacy; newer Sentry uses the `unprocessed` subkey). */
export function unprocessedEventNodeId(projectId: number | string, eventId: string): string {
  return md5(`${checkProjectId(projectId)}:${normalizeEventId(eventId)}:unprocessed`);
}

/** `IssueOccurrence.build_storage_identifier`. */
export function issueOccurrenceNodeId(occurrenceId: string, projectId: number | string): string {
  return `i-o:${md5(`${occurrenceId}::${checkProjectId(projectId)}`)}`;
}

/** `EscalatingGroupForecast` (written with a 14-day TTL). */
export function groupForecastNodeId(projectId: number | string, groupId: number | string): string {
  return `e-g-f:${md5(`${checkProjectId(projectId)}::${groupId}`)}`;
}

/** Span evidence nodes, both shapes seen in Sentry. */
export function spanNodeId(spanId: string, projectId: number | string): string {
  return `s:${md5(`${spanId}::${checkProjectId(projectId)}`)}`;
}

export function versionedSpanNodeId(
  version: number | string,
  projectId: number | string,
  traceId: string,
  spanId: string,
): string {
  return `s:${version}:${md5(`${checkProjectId(projectId)}:${traceId}:${spanId}`)}`;
}

/** Per-backend id rules. Core checks them before any backend call. */
export interface IdRules {
  /** Longest id the backend stores (Postgres `varchar(40)`: 40). Counted in characters. */
  readonly maxLength?: number;
  /** Extra backend-specific check; returns why the id is refused, or undefined. */
  readonly check?: (id: string) => string | undefined;
}

export function validateNodeId(id: unknown, rules: IdRules = {}, backend?: string): asserts id is string {
  if (typeof id !== "string") {
    throw new InvalidIdError(String(id), `a node id is a string, got ${typeof id}`, backend);
  }
  if (id.length === 0) throw new InvalidIdError(id, "a node id cannot be empty", backend);
  // A lone surrogate has no UTF-8 form: Postgres, S3 keys and HTTP bodies would each store some replacement,
  // and two different ids would become one stored key.
  if (!id.isWellFormed()) {
    throw new InvalidIdError(
      id,
      "not well-formed Unicode (a lone surrogate); no backend can store it exactly",
      backend,
    );
  }
  if (rules.maxLength !== undefined && id.length > rules.maxLength && [...id].length > rules.maxLength) {
    throw new InvalidIdError(id, `longer than ${rules.maxLength} characters`, backend);
  }
  const reason = rules.check?.(id);
  if (reason !== undefined) throw new InvalidIdError(id, reason, backend);
}
