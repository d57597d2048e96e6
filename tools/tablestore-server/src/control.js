// Test control endpoints (JSON, no authentication: the server is test infrastructure on loopback). None of them
// exists on the real service; tests that use them skip when pointed at a real instance.
//   GET    /_nodestore/info                     what this server is, its instances and limits
//   GET    /_nodestore/stats[?instance=&table=] request counters, and rows/bytes held per table
//   GET    /_nodestore/faults                   the fault rules still armed
//   POST   /_nodestore/faults  {rules: [...]}   arm fault rules (see faults.js)
//   DELETE /_nodestore/faults                   disarm every rule
//   POST   /_nodestore/clock   {offsetMs}       shift the storage clock (cell timestamps and TTL), not the auth one
//   POST   /_nodestore/reset   {instance, table?} drop one table, or every table, of an instance
import { readFileSync } from "node:fs";
import { PROTO_FILE } from "./proto.js";

const VERSION = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
export const SERVER_NAME = "nodestore-tablestore-server";

async function json(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

function reply(res, status, body) {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": text.length });
  res.end(text);
}

function tableStats(state, instanceName, tableName) {
  const out = {};
  for (const instance of state.instances.values()) {
    if (instanceName && instance.name !== instanceName) continue;
    const tables = {};
    for (const t of instance.tables.values()) {
      if (tableName && t.name !== tableName) continue;
      tables[t.name] = t.stats();
    }
    out[instance.name] = tables;
  }
  return out;
}

/** @param {ReturnType<typeof import("./server.js").createState>} state */
export async function handleControl(state, req, res, url) {
  const route = `${req.method} ${url.pathname}`;
  try {
    switch (route) {
      case "GET /_nodestore/info":
        return reply(res, 200, {
          server: SERVER_NAME,
          version: VERSION,
          instances: [...state.instanceNames],
          protoFile: PROTO_FILE,
          limits: state.limits,
          clockOffsetMs: state.clockOffsetMs,
        });
      case "GET /_nodestore/stats":
        return reply(res, 200, {
          counters: state.counters,
          tables: tableStats(state, url.searchParams.get("instance"), url.searchParams.get("table")),
        });
      case "GET /_nodestore/faults":
        return reply(res, 200, { rules: state.faults.list() });
      case "POST /_nodestore/faults": {
        const body = await json(req);
        const rules = Array.isArray(body) ? body : (body.rules ?? [body]);
        return reply(res, 200, { ids: state.faults.add(rules) });
      }
      case "DELETE /_nodestore/faults":
        return reply(res, 200, { cleared: state.faults.clear() });
      case "POST /_nodestore/clock": {
        const { offsetMs } = await json(req);
        if (typeof offsetMs !== "number" || !Number.isFinite(offsetMs))
          throw new Error("offsetMs must be a number");
        state.clockOffsetMs = offsetMs;
        return reply(res, 200, { clockOffsetMs: offsetMs });
      }
      case "POST /_nodestore/reset": {
        const { instance, table } = await json(req);
        const target = state.instances.get(instance);
        if (!target) throw new Error(`no instance ${JSON.stringify(instance)}`);
        if (table !== undefined) return reply(res, 200, { dropped: target.tables.delete(table) ? 1 : 0 });
        const dropped = target.tables.size;
        target.tables.clear();
        return reply(res, 200, { dropped });
      }
      default:
        return reply(res, 404, { error: `no control endpoint ${route}` });
    }
  } catch (error) {
    return reply(res, 400, { error: String(error?.message ?? error) });
  }
}
