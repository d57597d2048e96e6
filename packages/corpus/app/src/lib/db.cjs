"use strict";

const { Client } = require("../../deps/pg/lib/client.cjs");
const { QueryFailedError } = require("./errors.cjs");

const FAILURES = {
  unique: (table) => ({
    S: "ERROR",
    C: "23505",
    M: 'duplicate key value violates unique constraint "' + table + '_pkey"',
    D: "Key (id)=(" + table.length * 7919 + ") already exists.",
    s: "public",
    t: table,
    n: table + "_pkey",
    F: "nbtinsert.c",
    L: "664",
    R: "_bt_check_unique",
  }),
  timeout: () => ({
    S: "ERROR",
    C: "57014",
    M: "canceling statement due to statement timeout",
    F: "postgres.c",
    L: "3297",
    R: "ProcessInterrupts",
  }),
  missingColumn: (table) => ({
    S: "ERROR",
    C: "42703",
    M: 'column "' + table + '.archived_at" does not exist',
    P: "48",
    F: "parse_relation.c",
    L: "3651",
    R: "errorMissingColumn",
  }),
};

function createBackend(failure) {
  return function backend(text, values) {
    if (failure === "refused") {
      return { refused: true };
    }
    const table = /(?:FROM|INTO|UPDATE)\s+"?(\w+)"?/i.exec(text);
    if (failure && FAILURES[failure]) {
      return { error: FAILURES[failure](table ? table[1] : "unknown") };
    }
    return { rows: values.map((value, index) => ({ id: index + 1, value: value })) };
  };
}

class Repository {
  constructor(table, options) {
    this.table = table;
    this.client = new Client({
      host: options.host || "10.0.3.17",
      port: 5432,
      database: "shop",
      user: "shop_app",
      backend: createBackend(options.failure),
    });
  }

  findOne(where) {
    const keys = Object.keys(where);
    const clause = keys.map((key, i) => '"' + key + '" = $' + (i + 1)).join(" AND ");
    const rows = this.run(
      'SELECT * FROM "' + this.table + '" WHERE ' + clause + " LIMIT 1",
      keys.map((k) => where[k]),
    );
    return rows[0];
  }

  insert(row) {
    const keys = Object.keys(row);
    const placeholders = keys.map((_, i) => "$" + (i + 1)).join(", ");
    const sql =
      'INSERT INTO "' + this.table + '" (' + keys.join(", ") + ") VALUES (" + placeholders + ") RETURNING id";
    return this.run(
      sql,
      keys.map((k) => row[k]),
    )[0];
  }

  run(sql, values) {
    try {
      return this.client.query(sql, values).rows;
    } catch (driverError) {
      throw new QueryFailedError(sql, values, driverError);
    }
  }
}

module.exports = { Repository };
