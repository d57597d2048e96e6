/** What a planner hands to generate.ts: one SDK job, plus what stored/ needs to know about the event. */
import type { SdkJob } from "../sdk.js";

export type ErrorScenario =
  | "inventory"
  | "orderValidation"
  | "dbUnique"
  | "dbRefused"
  | "dbTimeout"
  | "dbMissingColumn"
  | "paymentHtml"
  | "paymentDeclined"
  | "searchLocale"
  | "searchCurrency"
  | "graphql"
  | "template"
  | "authToken"
  | "profile"
  | "bodyJson"
  | "webhookMessage"
  | "plainMessage";

export type Plan = {
  kind: "error" | "transaction";
  scenario: string;
  /** Encoded size this event is trimmed towards (bytes, main + subkeys). */
  targetBytes: number;
  job: SdkJob;
  /** Route the event happened on, e.g. "POST /api/orders". */
  transaction: string;
  runtimeVersion: string;
};

/** Node versions the events claim to come from (stored/ rewrites contexts.runtime to the planned one). */
export const RUNTIMES = ["v20.18.1", "v20.19.2", "v22.11.0", "v22.17.0", "v24.4.1"];
