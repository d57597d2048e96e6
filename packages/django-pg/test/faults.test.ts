import { randomBytes } from "node:crypto";
import { BackendError, BackendUnavailableError, NodeStore, NodestoreError } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";
import { FaultProxy, upstreamOf } from "./toxiproxy.js";

// Transport faults (issue #10 cases 2 and 5) against the real servers, through a Toxiproxy proxy per target:
// each fault ends in a typed error within its bound, and the same store object works again once it is gone.

const toxiproxy = serviceEnv("Toxiproxy", ["NODESTORE_TOXIPROXY_URL"])?.NODESTORE_TOXIPROXY_URL;
const targets = postgresTargets();
if (targets.length === 0 || !toxiproxy) it.skip("PostgreSQL or Toxiproxy is not configured", () => {});

/** Bounds small enough for a test, and a deadline far above them: "the call settled, it did not hang". */
const QUERY_TIMEOUT = 1500;
const CONNECT_TIMEOUT = 1500;
const DEADLINE = 20_000;

/** The call's rejection, or a failure if it is still pending at the deadline. */
async function settled(call: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${DEADLINE} ms`)), DEADLINE);
  });
  try {
    return await Promise.race([
      call.then(
        (value) => {
          throw new Error(`expected a rejection, got ${String(value)}`);
        },
        (error: unknown) => error,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every message in the error's cause chain, and its stack: what a log line could show. */
function everythingSaid(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; stack?: unknown; cause?: unknown } | undefined; e; ) {
    parts.push(String(e.message), String(e.stack));
    e = e.cause as typeof e;
  }
  return parts.join("\n");
}

function expectUnavailable(error: unknown, pattern: RegExp, password: string): void {
  expect(error).toBeInstanceOf(BackendUnavailableError);
  const e = error as BackendUnavailableError;
  expect(e.retryable).toBe(true);
  expect(e.code).toBe("BACKEND_UNAVAILABLE");
  expect(e.backend).toBe("django-pg");
  expect(e.message).toMatch(pattern);
  expect(e.cause).toBeInstanceOf(Error); // the original pg / socket error
  expect(everythingSaid(e)).not.toContain(password);
}

for (const target of toxiproxy ? targets : []) {
  describe(`transport faults on ${target.label} through Toxiproxy`, () => {
    const password = decodeURIComponent(new URL(target.url).password);
    let proxy: FaultProxy;
    let admin: pg.Pool;
    let schema: string;
    let drop: () => Promise<void>;
    const toxics: string[] = [];
    const stores: NodeStore[] = [];
    const pools: pg.Pool[] = [];

    /** A store whose connections all go through the proxy. */
    function proxiedStore(options: { ownPool?: boolean } = {}): NodeStore {
      const connectionString = proxy.route(target.url);
      const common = { schema, queryTimeoutMs: QUERY_TIMEOUT, connectTimeoutMs: CONNECT_TIMEOUT };
      let backend: DjangoPgBackend;
      if (options.ownPool === false) {
        // A pool the user made, without any timeout of its own.
        const pool = new pg.Pool({ connectionString, max: 4 });
        pool.on("error", () => {});
        pools.push(pool);
        backend = new DjangoPgBackend({ pool, ...common });
      } else {
        backend = new DjangoPgBackend({ connectionString, ...common });
      }
      const store = new NodeStore(backend);
      stores.push(store);
      return store;
    }

    async function fault(...args: Parameters<FaultProxy["addToxic"]>): Promise<string> {
      const name = await proxy.addToxic(...args);
      toxics.push(name);
      return name;
    }

    async function clearFaults(): Promise<void> {
      for (const name of toxics.splice(0)) await proxy.removeToxic(name);
      await proxy.setEnabled(true);
    }

    const rowCount = async () =>
      (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.nodestore_node`)).rows[0]!
        .n;

    beforeAll(async () => {
      ({ pool: admin, schema, drop } = await scratchSchema(target.url));
      await new DjangoPgBackend({ pool: admin, schema }).bootstrap();
      proxy = await FaultProxy.create(toxiproxy!, upstreamOf(target.url));
    });
    afterEach(clearFaults);
    afterAll(async () => {
      await proxy?.remove();
      for (const store of stores) await store.close();
      for (const pool of pools) await pool.end().catch(() => {});
      await drop?.();
    });

    it("silent server (timeout toxic, timeout 0): get rejects retryably after queryTimeoutMs, then recovers", async () => {
      const store = proxiedStore();
      await store.set("silent-1", { v: 1 }); // a pooled connection is open before the server goes silent
      await fault("timeout", { timeout: 0 });
      const error = await settled(store.get("silent-1"));
      expectUnavailable(error, /read of node "silent-1" timed out after 1500 ms/, password);
      expect((error as Error & { cause: Error }).cause.message).toBe("Query read timeout");

      await clearFaults();
      expect(await store.get("silent-1")).toEqual({ v: 1 }); // the same store object works again
    });

    it("silent server on every operation: set, getMulti, setMulti, delete, deleteMulti, cleanup all settle", async () => {
      const store = proxiedStore();
      await store.set("silent-all", { v: 1 });
      const before = await rowCount();
      // A network black hole: nothing reaches the server either, so no call may have been applied.
      await fault("timeout", { timeout: 0 });
      await fault("timeout", { timeout: 0 }, "upstream");
      const calls: Array<[string, () => Promise<unknown>]> = [
        ["write", () => store.set("silent-all", { v: 2 })],
        ["read", () => store.getMulti(["silent-all", "other"])],
        ["write", () => store.setMulti([{ id: "silent-new", main: {} }])],
        ["delete", () => store.delete("silent-all")],
        ["delete", () => store.deleteMulti(["silent-all", "other"])],
      ];
      for (const [operation, call] of calls) {
        expectUnavailable(await settled(call()), new RegExp(`${operation}.* timed out after`), password);
      }
      await clearFaults();
      // The calls that timed out never reached the server: nothing else was touched.
      expect(await rowCount()).toBe(before);
      expect(await store.get("silent-all")).toEqual({ v: 1 });
    });

    it("cleanup statements have their own bound (maintenanceTimeoutMs), and settle on a silent server", async () => {
      const backend = new DjangoPgBackend({
        connectionString: proxy.route(target.url),
        schema,
        queryTimeoutMs: 60_000,
        connectTimeoutMs: CONNECT_TIMEOUT,
        maintenanceTimeoutMs: QUERY_TIMEOUT,
      });
      stores.push(new NodeStore(backend));
      await backend.tableSize(); // open a connection
      await fault("timeout", { timeout: 0 });
      const error = await settled(backend.cleanup(new Date(0)));
      expectUnavailable(error, /clean up timed out after 1500 ms/, password);
      const vacuum = await settled(backend.reclaimSpace("vacuum", { timeoutMs: QUERY_TIMEOUT }));
      expectUnavailable(vacuum, /timed out after 1500 ms/, password);
    });

    it("silent server before connecting: the connection attempt is bounded by connectTimeoutMs", async () => {
      await fault("timeout", { timeout: 0 });
      const store = proxiedStore(); // no connection yet: the startup handshake gets no answer
      const error = await settled(store.get("silent-connect"));
      expectUnavailable(
        error,
        /read of node "silent-connect" timed out after 1500 ms waiting for a connection/,
        password,
      );
      await clearFaults();
      expect(await store.get("silent-connect")).toBeNull();
    });

    it("a pool the user passes, with no timeouts of its own, is bounded too (connect and query)", async () => {
      await fault("timeout", { timeout: 0 });
      const store = proxiedStore({ ownPool: false });
      const error = await settled(store.get("user-pool"));
      expectUnavailable(error, /timed out after 1500 ms waiting for a connection/, password);
      await clearFaults();
      await store.set("user-pool", { u: 1 });
      await fault("timeout", { timeout: 0 });
      expectUnavailable(
        await settled(store.get("user-pool")),
        /timed out after 1500 ms: PostgreSQL did not answer/,
        password,
      );
      await clearFaults();
      expect(await store.get("user-pool")).toEqual({ u: 1 });
    });

    it("connection reset by peer (reset_peer): BackendUnavailableError, then recovery", async () => {
      const store = proxiedStore();
      await store.set("reset-1", { r: 1 });
      await fault("reset_peer", { timeout: 0 });
      const error = await settled(store.get("reset-1"));
      expectUnavailable(error, /read of node "reset-1": .*(ECONNRESET|EPIPE|connection was cut)/, password);
      await clearFaults();
      expect(await store.get("reset-1")).toEqual({ r: 1 });
    });

    it("connection cut mid-answer (limit_data): 'Connection terminated unexpectedly' is retryable", async () => {
      const store = proxiedStore();
      const ids = Array.from({ length: 50 }, (_, i) => `cut-${i}`);
      await store.setMulti(ids.map((id) => ({ id, main: { id, pad: randomBytes(2048).toString("hex") } })));
      await fault("limit_data", { bytes: 8192 }); // the answer is ~200 kB: the link closes part way through it
      const error = await settled(store.getMulti(ids));
      expectUnavailable(
        error,
        /read: the connection was cut \(Connection terminated unexpectedly\)/,
        password,
      );
      await clearFaults();
      const again = await store.getMulti(ids);
      expect([...again.values()].every((v) => v !== null)).toBe(true);
    });

    it("connection cut mid-write (limit_data upstream): retryable, nothing written, other nodes untouched", async () => {
      const store = proxiedStore();
      await store.set("keep-me", { k: 1 });
      await fault("limit_data", { bytes: 4096 }, "upstream");
      const error = await settled(
        store.setMulti(
          Array.from({ length: 20 }, (_, i) => ({
            id: `w-${i}`,
            main: { pad: randomBytes(1024).toString("hex") },
          })),
        ),
      );
      expectUnavailable(error, /write: the connection was cut|ECONNRESET|EPIPE/, password);
      await clearFaults();
      expect(await store.get("keep-me")).toEqual({ k: 1 });
      // One upsert statement that never arrived whole wrote nothing.
      const { rows } = await admin.query(`SELECT id FROM ${schema}.nodestore_node WHERE id LIKE 'w-%'`);
      expect(rows).toEqual([]);
    });

    it("connection refused (proxy disabled, then deleted): BackendUnavailableError, then recovery", async () => {
      const store = proxiedStore();
      await store.set("refused-1", { x: 1 });
      await proxy.setEnabled(false); // closes the pooled connection and refuses new ones
      const error = await settled(store.get("refused-1"));
      expectUnavailable(
        error,
        /read of node "refused-1": .*(ECONNREFUSED|ECONNRESET|EPIPE|connection was cut)/,
        password,
      );
      // The pooled connection is gone now: the next call opens a new one and is refused outright.
      expectUnavailable(await settled(store.get("refused-1")), /ECONNREFUSED/, password);
      await proxy.setEnabled(true);
      expect(await store.get("refused-1")).toEqual({ x: 1 });

      const gone = await FaultProxy.create(toxiproxy!, upstreamOf(target.url));
      const orphan = new NodeStore(
        new DjangoPgBackend({
          connectionString: gone.route(target.url),
          schema,
          connectTimeoutMs: CONNECT_TIMEOUT,
        }),
      );
      stores.push(orphan);
      await gone.remove();
      expectUnavailable(await settled(orphan.get("x")), /ECONNREFUSED/, password);
    });

    it("too many connections (SQLSTATE 53300) is retryable; a wrong password is not; neither says the password", async () => {
      const role = `nstest_role_${randomBytes(5).toString("hex")}`;
      const rolePassword = `pw-${randomBytes(8).toString("hex")}`;
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${rolePassword}' CONNECTION LIMIT 0`);
      try {
        const url = new URL(proxy.route(target.url));
        url.username = role;
        url.password = rolePassword;
        const full = new NodeStore(new DjangoPgBackend({ connectionString: url.toString(), schema }));
        stores.push(full);
        const error = await settled(full.get("a"));
        expectUnavailable(error, /too many connections for role.*\(SQLSTATE 53300\)/, rolePassword);

        url.password = `wrong-${rolePassword}`;
        const wrong = new NodeStore(new DjangoPgBackend({ connectionString: url.toString(), schema }));
        stores.push(wrong);
        const denied = await settled(wrong.get("a"));
        expect(denied).toBeInstanceOf(BackendError);
        expect(denied).toMatchObject({ retryable: false, code: "BACKEND_ERROR", operation: "read", id: "a" });
        expect((denied as Error).message).toMatch(/password authentication failed.*\(SQLSTATE 28P01\)/);
        expect(everythingSaid(denied)).not.toContain(rolePassword);
      } finally {
        await admin.query(`DROP ROLE ${role}`);
      }
    });

    it("an SQL error is BackendError: not retryable, SQLSTATE and id named, pg's error as cause, nothing written", async () => {
      await admin.query(
        `CREATE TABLE ${schema}.checked (id varchar(40) PRIMARY KEY, data text NOT NULL CHECK (length(data) < 30), "timestamp" timestamptz NOT NULL)`,
      );
      const store = new NodeStore(
        new DjangoPgBackend({ connectionString: proxy.route(target.url), schema, table: "checked" }),
      );
      stores.push(store);
      const error = await settled(store.set("sql-1", { long: randomBytes(64).toString("hex") }));
      expect(error).toBeInstanceOf(BackendError);
      expect(error).not.toBeInstanceOf(BackendUnavailableError);
      expect(error).toMatchObject({
        retryable: false,
        id: "sql-1",
        operation: "write",
        backend: "django-pg",
      });
      expect((error as Error).message).toMatch(/node "sql-1".*violates check constraint.*\(SQLSTATE 23514\)/);
      expect((error as Error).cause).toBeInstanceOf(pg.DatabaseError);
      expect((await admin.query(`SELECT * FROM ${schema}.checked`)).rows).toEqual([]);

      const missing = new NodeStore(
        new DjangoPgBackend({ connectionString: proxy.route(target.url), schema, table: "absent" }),
      );
      stores.push(missing);
      const absent = await settled(missing.get("sql-2"));
      expect(absent).toBeInstanceOf(BackendError);
      expect(absent).toMatchObject({ retryable: false, id: "sql-2" });
      expect((absent as Error).message).toMatch(/SQLSTATE 42P01.*bootstrap\(\)/);
      expect(absent).toBeInstanceOf(NodestoreError);
      // The store still works for the table that exists.
      await store.set("sql-1", { ok: 1 });
      expect(await store.get("sql-1")).toEqual({ ok: 1 });
    });
  });
}
