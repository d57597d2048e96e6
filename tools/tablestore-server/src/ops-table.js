// CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTable.
import { objectNotExist, otsError, parameterInvalid } from "./errors.js";
import { enumValues, has, int64 } from "./proto.js";
import { Table } from "./storage.js";
import { checkCapacity, checkColumnName, checkTableName, checkTableOptions } from "./validate.js";

const PK_TYPES = enumValues("PrimaryKeyType");
const PK_TYPE_NAME = Object.fromEntries(Object.entries(PK_TYPES).map(([k, v]) => [v, k]));
const DEFAULT_DEVIATION_SEC = 86400;

/** @param {import("./state.js").RequestContext} ctx */
export function table(ctx, name) {
  checkTableName(name);
  const t = ctx.instance.tables.get(name);
  if (!t) throw objectNotExist();
  return t;
}

function optionsOf(message) {
  if (!message) return {};
  return {
    timeToLive: has(message, "timeToLive") ? message.timeToLive : undefined,
    maxVersions: has(message, "maxVersions") ? message.maxVersions : undefined,
    deviationCellVersionInSec: has(message, "deviationCellVersionInSec")
      ? int64(message.deviationCellVersionInSec)
      : undefined,
    allowUpdate: has(message, "allowUpdate") ? message.allowUpdate : undefined,
  };
}

function capacityOf(message) {
  const cu = message?.capacityUnit ?? {};
  return { read: has(cu, "read") ? cu.read : undefined, write: has(cu, "write") ? cu.write : undefined };
}

export function describe(t) {
  return {
    tableMeta: {
      tableName: t.name,
      primaryKey: t.pkSchema.map((c) => ({ name: c.name, type: PK_TYPES[c.type] })),
    },
    reservedThroughputDetails: reservedDetails(t),
    tableOptions: tableOptions(t),
    tableStatus: enumValues("TableStatus").ACTIVE,
  };
}

function reservedDetails(t) {
  const details = {
    capacityUnit: { read: t.reserved.read, write: t.reserved.write },
    lastIncreaseTime: t.reserved.lastIncreaseTime,
  };
  if (t.reserved.lastDecreaseTime !== undefined) details.lastDecreaseTime = t.reserved.lastDecreaseTime;
  return details;
}

function tableOptions(t) {
  return {
    timeToLive: t.options.timeToLive,
    maxVersions: t.options.maxVersions,
    deviationCellVersionInSec: t.options.deviationCellVersionInSec,
    allowUpdate: t.options.allowUpdate,
  };
}

export const tableOps = {
  CreateTable(ctx, req) {
    const name = req.tableMeta.tableName;
    checkTableName(name);
    const pk = req.tableMeta.primaryKey ?? [];
    if (pk.length < 1 || pk.length > 4) {
      throw parameterInvalid("The number of primary key columns must be in range: [1, 4].");
    }
    const seen = new Set();
    const pkSchema = pk.map((c) => {
      checkColumnName(c.name);
      if (seen.has(c.name)) throw parameterInvalid(`Duplicated primary key name: '${c.name}'.`);
      seen.add(c.name);
      const type = PK_TYPE_NAME[c.type];
      if (!type || type === "PK_BOOLEAN")
        throw parameterInvalid(`${type ?? c.type} is an invalid type for the primary key.`);
      if (has(c, "option"))
        throw parameterInvalid("AUTO_INCREMENT primary key is not supported by the local server.");
      return { name: c.name, type };
    });
    if ((req.tableMeta.definedColumn ?? []).length > 0 || (req.indexMetas ?? []).length > 0) {
      throw parameterInvalid("Defined columns and secondary indexes are not supported by the local server.");
    }
    const options = optionsOf(req.tableOptions);
    if (options.timeToLive === undefined)
      throw parameterInvalid("Time-to-live is missing while creating table.");
    if (options.maxVersions === undefined)
      throw parameterInvalid("MaxVersions is missing while creating table.");
    checkTableOptions(options);
    const cu = capacityOf(req.reservedThroughput);
    checkCapacity(cu, ctx.limits);
    if (ctx.instance.tables.has(name)) throw otsError("OTSObjectAlreadyExist");
    if (ctx.instance.tables.size >= ctx.limits.maxTables) {
      throw otsError("OTSQuotaExhausted", "Number of tables exceeded the quota.");
    }
    ctx.instance.tables.set(
      name,
      new Table({
        name,
        pkSchema,
        options: {
          timeToLive: options.timeToLive,
          maxVersions: options.maxVersions,
          deviationCellVersionInSec: options.deviationCellVersionInSec ?? DEFAULT_DEVIATION_SEC,
          allowUpdate: options.allowUpdate ?? true,
        },
        read: cu.read ?? 0,
        write: cu.write ?? 0,
        now: ctx.now(),
      }),
    );
    return {};
  },

  DescribeTable(ctx, req) {
    return describe(table(ctx, req.tableName));
  },

  UpdateTable(ctx, req) {
    const t = table(ctx, req.tableName);
    const options = optionsOf(req.tableOptions);
    const cu = has(req, "reservedThroughput") ? capacityOf(req.reservedThroughput) : undefined;
    const anyOption = Object.values(options).some((v) => v !== undefined);
    if (!anyOption && cu === undefined) throw parameterInvalid("No parameter is specified in table options.");
    checkTableOptions(options);
    if (cu) checkCapacity(cu, ctx.limits);
    for (const [key, value] of Object.entries(options)) if (value !== undefined) t.options[key] = value;
    if (cu) {
      const now = Math.floor(ctx.now() / 1000);
      for (const key of /** @type {const} */ (["read", "write"])) {
        const v = cu[key];
        if (v === undefined || v === t.reserved[key]) continue;
        if (v > t.reserved[key]) t.reserved.lastIncreaseTime = now;
        else t.reserved.lastDecreaseTime = now;
        t.reserved[key] = v;
      }
    }
    return { reservedThroughputDetails: reservedDetails(t), tableOptions: tableOptions(t) };
  },

  DeleteTable(ctx, req) {
    table(ctx, req.tableName);
    ctx.instance.tables.delete(req.tableName);
    return {};
  },

  ListTable(ctx) {
    return { tableNames: [...ctx.instance.tables.keys()].sort() };
  },
};
