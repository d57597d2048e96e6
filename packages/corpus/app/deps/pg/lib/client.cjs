"use strict";

// Trimmed copy of node-postgres' client and protocol error parsing, synchronous for the corpus.

class DatabaseError extends Error {
  constructor(message, length, name) {
    super(message);
    this.length = length;
    this.name = name;
  }
}

function parseErrorMessage(fields) {
  var message = fields.M;
  var error = new DatabaseError(message, fields.length, "error");
  error.severity = fields.S;
  error.code = fields.C;
  error.detail = fields.D;
  error.hint = fields.H;
  error.position = fields.P;
  error.schema = fields.s;
  error.table = fields.t;
  error.column = fields.c;
  error.constraint = fields.n;
  error.file = fields.F;
  error.line = fields.L;
  error.routine = fields.R;
  return error;
}

class Connection {
  constructor(config) {
    this.host = config.host;
    this.port = config.port || 5432;
    this.backend = config.backend;
  }

  execute(text, values) {
    var response = this.backend(text, values);
    if (response.error) {
      throw parseErrorMessage(response.error);
    }
    if (response.refused) {
      var err = new Error("connect ECONNREFUSED " + this.host + ":" + this.port);
      err.errno = -111;
      err.code = "ECONNREFUSED";
      err.syscall = "connect";
      err.address = this.host;
      err.port = this.port;
      throw err;
    }
    return response.rows;
  }
}

class Client {
  constructor(config) {
    this.connection = new Connection(config);
    this.database = config.database;
    this.user = config.user;
  }

  query(config, values) {
    var text = typeof config === "string" ? config : config.text;
    var params = values || (config && config.values) || [];
    var rows = this.connection.execute(text, params);
    return { command: text.split(" ")[0].toUpperCase(), rowCount: rows.length, rows: rows };
  }
}

module.exports = { Client: Client, DatabaseError: DatabaseError };
