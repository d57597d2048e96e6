// In-memory storage: instances hold tables, tables hold rows keyed by primary key, each attribute column holds
// its versions (newest first, at most the table's max_versions) with their timestamps in milliseconds. Reads
// hide versions older than the table's time_to_live, as the service does.
import { valueSize } from "./plainbuffer.js";

/**
 * @typedef {import("./plainbuffer-consts.js").Value} Value
 * @typedef {import("./plainbuffer-consts.js").PkCell} PkCell
 * @typedef {{ value: Value, ts: bigint }} Version
 * @typedef {{ pk: PkCell[], columns: Map<string, Version[]> }} StoredRow
 * @typedef {{ name: string, type: "INTEGER" | "STRING" | "BINARY" }} PkSchema
 * @typedef {{ timeToLive: number, maxVersions: number, deviationCellVersionInSec: number, allowUpdate: boolean }} TableOptions
 */

export class Table {
  /**
   * @param {{ name: string, pkSchema: PkSchema[], options: TableOptions, read: number, write: number, now: number }} init
   */
  constructor({ name, pkSchema, options, read, write, now }) {
    this.name = name;
    this.pkSchema = pkSchema;
    this.options = options;
    this.reserved = { read, write, lastIncreaseTime: Math.floor(now / 1000), lastDecreaseTime: undefined };
    this.createdAt = now;
    /** @type {Map<string, StoredRow>} */
    this.rows = new Map();
  }

  /** The row as a read sees it at `now`: expired versions hidden; undefined when absent or fully expired. */
  visible(key, now) {
    const row = this.rows.get(key);
    if (!row) return undefined;
    const ttl = this.options.timeToLive;
    if (ttl <= 0) return row;
    const oldest = BigInt(now - ttl * 1000);
    /** @type {Map<string, Version[]>} */
    const columns = new Map();
    for (const [name, versions] of row.columns) {
      const alive = versions.filter((v) => v.ts > oldest);
      if (alive.length > 0) columns.set(name, alive);
    }
    if (columns.size === 0 && row.columns.size > 0) return undefined;
    return { pk: row.pk, columns };
  }

  /** Rows in primary-key order (what GetRange walks). */
  sortedKeys() {
    return [...this.rows.values()].sort((a, b) => comparePk(a.pk, b.pk)).map((r) => pkKey(r.pk));
  }

  /** Logical bytes held: primary key and column names and values, plus 8 bytes of timestamp per version. */
  stats() {
    let bytes = 0;
    let versions = 0;
    for (const row of this.rows.values()) {
      for (const c of row.pk) bytes += Buffer.byteLength(c.name) + valueSize(c.value);
      for (const [name, vs] of row.columns) {
        for (const v of vs) {
          bytes += Buffer.byteLength(name) + valueSize(v.value) + 8;
          versions++;
        }
      }
    }
    return { rows: this.rows.size, versions, bytes };
  }
}

export class Instance {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
    /** @type {Map<string, Table>} */
    this.tables = new Map();
  }
}

/** A map key for a primary key: type and bytes of each cell. */
export function pkKey(pk) {
  return pk
    .map((c) => {
      switch (c.value.type) {
        case "INTEGER":
          return `i${c.value.value}`;
        case "STRING":
        case "BLOB":
          return `${c.value.type === "STRING" ? "s" : "b"}${c.value.value.toString("hex")}`;
        default:
          return c.value.type;
      }
    })
    .join("|");
}

const RANK = { INF_MIN: 0, INF_MAX: 2 };

/** Orders two values of a primary-key column (INF_MIN below and INF_MAX above everything). */
export function compareValue(a, b) {
  const ra = RANK[a.type] ?? 1;
  const rb = RANK[b.type] ?? 1;
  if (ra !== rb || ra !== 1) return ra - rb;
  if (a.type === "INTEGER" && b.type === "INTEGER") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.value instanceof Buffer && b.value instanceof Buffer) return Buffer.compare(a.value, b.value);
  return 0;
}

/** Orders two primary keys column by column. */
export function comparePk(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValue(a[i].value, b[i].value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}
