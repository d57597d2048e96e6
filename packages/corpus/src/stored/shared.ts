/** Types and small helpers shared by the stages of stored/. */
import { createHash } from "node:crypto";
import type { Rng } from "../prng.js";
import type { Plan } from "../scenarios/index.js";
import type { SdkPayload } from "../sdk.js";

export type Obj = Record<string, unknown>;
export type Frame = Obj & {
  filename?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  in_app?: boolean;
};
export type Span = Obj & { span_id: string; parent_span_id?: string; op?: string; description?: string };

export type StoredInput = {
  payload: SdkPayload;
  plan: Plan;
  rng: Rng;
  projectId: number;
  eventId: string;
  /** Event time, unix seconds. */
  time: number;
  release: string;
  environment: string;
  serverName: string;
  keyId: number;
  publicKey: string;
  withUnprocessed: boolean;
  maxBytes: number;
};

export type StoredEvent = { main: Obj; subkeys: Array<[string, unknown]> };

export const md5 = (s: string) => createHash("md5").update(s).digest("hex");
/** Where the app is deployed: every frame path is rewritten under it. */
export const ROOT = "/usr/src/app/";

export const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
export const iso = (t: number) => new Date(t * 1000).toISOString().replace("Z", "+00:00");
