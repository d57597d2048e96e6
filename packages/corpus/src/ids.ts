import { createHash } from "node:crypto";

/** Sentry's node id for an event body: md5 hex of `${projectId}:${eventId}`. */
export function nodeId(projectId: number | string, eventId: string): string {
  return createHash("md5").update(`${projectId}:${eventId}`).digest("hex");
}

/** Event ids as Sentry stores them: 32 lowercase hex characters, no dashes. */
export function normalizeEventId(eventId: string): string {
  return eventId.replaceAll("-", "").toLowerCase();
}
