// Fault injection for tests: rules set through the control endpoint (POST /_nodestore/faults) or the API, each
// matching requests by API and table and firing a given number of times. A rule either fails the request with a
// Tablestore error (any code; status and message from the documented table unless given), fails chosen rows of a
// BatchGetRow / BatchWriteRow (the other rows succeed), delays the answer, drops the connection, corrupts the
// PlainBuffer rows of the answer (a bad row checksum), or answers with a non-Tablestore HTTP response.
import { otsError } from "./errors.js";

/**
 * @typedef {object} FaultRule
 * @property {string | string[]} [api] API names it matches (e.g. "PutRow"); absent: every API
 * @property {string} [table] only requests naming this table
 * @property {number} [times] how many matching requests it fires on (default 1; -1: until cleared)
 * @property {number} [skip] let this many matching requests through first
 * @property {string} [code] a Tablestore error code, e.g. "OTSServerBusy"
 * @property {number} [status] HTTP status (default: the code's documented one)
 * @property {string} [message] error message (default: the code's documented one)
 * @property {number[] | "all"} [rows] batch operations: only these row indexes fail with `code`
 * @property {string[]} [keys] batch operations: only the rows whose first primary-key column is one of these
 *   strings fail with `code` (follows a row across retries, where its index changes)
 * @property {number} [delayMs] answer after this delay
 * @property {"reset" | "hang"} [drop] close the connection without answering, or never answer
 * @property {boolean} [corrupt] flip the checksum of the PlainBuffer rows in the answer
 * @property {{ status: number, body?: string, contentType?: string }} [http] a raw HTTP answer instead
 */

const ACTIONS = ["code", "delayMs", "drop", "corrupt", "http"];

export class Faults {
  constructor() {
    /** @type {Array<FaultRule & { fired: number, seen: number, id: number }>} */
    this.rules = [];
    this.nextId = 1;
  }

  /** @param {FaultRule[]} rules */
  add(rules) {
    const added = [];
    for (const rule of rules) {
      if (!ACTIONS.some((a) => rule[a] !== undefined)) {
        throw new Error(`fault rule needs one of ${ACTIONS.join(", ")}: ${JSON.stringify(rule)}`);
      }
      if (rule.code !== undefined) otsError(rule.code, rule.message, rule.status); // unknown code without status
      if ((rule.rows !== undefined || rule.keys !== undefined) && rule.code === undefined) {
        throw new Error("a fault rule with rows or keys needs a code");
      }
      const stored = { times: 1, skip: 0, ...rule, fired: 0, seen: 0, id: this.nextId++ };
      this.rules.push(stored);
      added.push(stored.id);
    }
    return added;
  }

  clear() {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  list() {
    return this.rules.map((r) => ({ ...r }));
  }

  #matches(rule, api, tables) {
    if (rule.api !== undefined && !(Array.isArray(rule.api) ? rule.api : [rule.api]).includes(api))
      return false;
    if (rule.table !== undefined && !tables.includes(rule.table)) return false;
    return true;
  }

  #fire(rule) {
    rule.seen++;
    if (rule.seen <= rule.skip) return false;
    rule.fired++;
    if (rule.times !== -1 && rule.fired >= rule.times) this.rules = this.rules.filter((r) => r !== rule);
    return true;
  }

  /** The request-level rule that fires on this request, if any (rules with `rows`/`keys` are left to `rows()`). */
  take(api, tables) {
    for (const rule of this.rules) {
      if (rule.rows !== undefined || rule.keys !== undefined || !this.#matches(rule, api, tables)) continue;
      if (this.#fire(rule)) return rule;
    }
    return undefined;
  }

  /**
   * Row failures of one table of a batch: index → OtsError. `keyOf(i)`: the first primary-key value of row i
   * as a string (for `keys` rules).
   */
  rows(api, table, count, keyOf) {
    /** @type {Map<number, import("./errors.js").OtsError>} */
    const out = new Map();
    for (const rule of [...this.rules]) {
      if ((rule.rows === undefined && rule.keys === undefined) || !this.#matches(rule, api, [table]))
        continue;
      const all = [...Array(count).keys()];
      const indexes =
        rule.keys !== undefined
          ? all.filter((i) => rule.keys.includes(keyOf(i)))
          : rule.rows === "all"
            ? all
            : rule.rows;
      if (indexes.length === 0 || !this.#fire(rule)) continue;
      for (const i of indexes)
        if (i < count && !out.has(i)) out.set(i, otsError(rule.code, rule.message, rule.status));
    }
    return out;
  }
}
