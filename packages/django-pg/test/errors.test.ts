import {
  BackendError,
  BackendUnavailableError,
  InvalidArgumentError,
  NodeStore,
  NodestoreError,
} from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { toTypedError } from "../src/errors.js";
import { DjangoPgBackend } from "../src/index.js";

const PASSWORD = "s3cret-pw";

/** Every message in the error's cause chain, and its stack: what a log line could show. */
function everythingSaid(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: unknown; stack?: unknown; cause?: unknown } | undefined; e; ) {
    parts.push(String(e.message), String(e.stack), JSON.stringify(e));
    e = e.cause as typeof e;
  }
  return parts.join("\n");
}

describe("errors without a server", () => {
  it("a refused connection is BackendUnavailableError naming the backend, without the password", async () => {
    const store = new NodeStore(
      new DjangoPgBackend({ connectionString: `postgres://sentry:${PASSWORD}@127.0.0.1:1/sentry` }),
    );
    const error = await store.get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error).toMatchObject({ retryable: true, code: "BACKEND_UNAVAILABLE" });
    expect((error as Error).message).toMatch(/django-pg.*read of node "a".*ECONNREFUSED/);
    expect(everythingSaid(error)).not.toContain(PASSWORD);
    await store.close();
  });

  it("an unknown host is BackendUnavailableError, without the password", async () => {
    const store = new NodeStore(
      new DjangoPgBackend({ connectionString: `postgres://sentry:${PASSWORD}@no-such-host.invalid/sentry` }),
    );
    const error = await store.get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/ENOTFOUND|EAI_AGAIN|timed out/);
    expect(everythingSaid(error)).not.toContain(PASSWORD);
    await store.close();
  });

  it("a malformed connection string fails at construction, naming the problem, never echoing the password", () => {
    const cases: Array<[string, RegExp]> = [
      [`postgres://user:${PASSWORD}@host:notaport/db`, /not a valid URL: the port is not a number/],
      [`postgres://user:${PASSWORD}@host:99999/db`, /the port is above 65535/],
      ["not a url", /not a valid URL: it does not start with postgres:\/\//],
      [`mysql://user:${PASSWORD}@host/db`, /does not start with postgres:\/\/ or postgresql:\/\//],
      [`user:${PASSWORD}@host/db`, /does not start with postgres:\/\//],
      [`postgres://user:pa/${PASSWORD}@host/db`, /not a valid URL/], // unencoded "/" in the password
      ["", /non-empty string/],
    ];
    for (const [connectionString, problem] of cases) {
      let error: unknown;
      try {
        new DjangoPgBackend({ connectionString });
      } catch (e) {
        error = e;
      }
      expect(error, connectionString).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message, connectionString).toMatch(problem);
      expect((error as Error).message).toMatch(/expected postgres:\/\/user:password@host:port\/database/);
      expect(everythingSaid(error)).not.toContain(PASSWORD);
      expect(everythingSaid(error)).not.toContain("pa/");
    }
  });

  it("accepts the connection strings pg accepts", () => {
    for (const connectionString of [
      "postgres://sentry@127.0.0.1:5432/sentry",
      "postgresql://sentry:p%40ss@db.example:5432/sentry?sslmode=require",
      "postgres://user:pw@/sentry", // no host: pg's default
      "postgres:///sentry",
      "postgres://u:p w@host/db", // pg encodes spaces
      "postgresql://[::1]:5432/db",
      "socket:/var/run/postgresql?db=sentry",
      "/var/run/postgresql sentry",
    ]) {
      expect(() => new DjangoPgBackend({ connectionString }), connectionString).not.toThrow();
    }
  });

  it("close() twice, or concurrently, does not throw; a call after close() is a clear BackendError", async () => {
    const backend = new DjangoPgBackend({ connectionString: "postgres://sentry@127.0.0.1:1/sentry" });
    const store = new NodeStore(backend);
    await Promise.all([store.close(), store.close()]);
    await store.close();
    const error = await store.get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ retryable: false, id: "a" });
    expect((error as Error).message).toMatch(/the store was closed/);
  });

  it("refuses bad options", () => {
    expect(() => new DjangoPgBackend({})).toThrow(/exactly one of `pool` or `connectionString`/);
    const base = { connectionString: "postgres://x" };
    expect(() => new DjangoPgBackend({ ...base, readBatchSize: 0 })).toThrow(RangeError);
    expect(() => new DjangoPgBackend({ ...base, queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs/);
    expect(() => new DjangoPgBackend({ ...base, connectTimeoutMs: -1 })).toThrow(/connectTimeoutMs/);
    expect(() => new DjangoPgBackend({ ...base, maintenanceTimeoutMs: 1.5 })).toThrow(/maintenanceTimeoutMs/);
    expect(() => new DjangoPgBackend({ ...base, queryTimeoutMs: 2 ** 31 })).toThrow(/at most/);
    expect(() => new DjangoPgBackend({ ...base, maxValueBytes: 0 })).toThrow(/maxValueBytes/);
  });
});

describe("classification of pg failures (the ones a test server cannot be made to produce)", () => {
  const context = { operation: "read", id: "n1", queryTimeoutMs: 30_000, connectTimeoutMs: 5_000 };
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
  const socketError = (code: string) => Object.assign(new Error(`write ${code}`), { code });

  it.each([
    ["the server starting up (57P03)", pgError("57P03", "the database system is starting up")],
    [
      "the server shutting down (57P01)",
      pgError("57P01", "terminating connection due to administrator command"),
    ],
    [
      "a crashed server (57P02)",
      pgError("57P02", "terminating connection because of crash of another server process"),
    ],
    ["too many connections (53300)", pgError("53300", "sorry, too many clients already")],
    ["a connection failure (08006)", pgError("08006", "connection failure")],
    ["statement_timeout (57014)", pgError("57014", "canceling statement due to statement timeout")],
    ["a deadlock (40P01)", pgError("40P01", "deadlock detected")],
    ["EPIPE", socketError("EPIPE")],
    ["ECONNRESET", socketError("ECONNRESET")],
    ["a cut connection", new Error("Connection terminated unexpectedly")],
    ["a client left unusable", new Error("Client has encountered a connection error and is not queryable")],
    ["a query timeout", new Error("Query read timeout")],
    ["a connect timeout", new Error("timeout exceeded when trying to connect")],
  ])("%s: BackendUnavailableError, retryable, with the cause", (_, cause) => {
    const error = toTypedError("django-pg", cause, context);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(/read of node "n1"/);
  });

  it.each([
    ["a syntax error (42601)", pgError("42601", "syntax error"), /syntax error \(SQLSTATE 42601\)/],
    ["a wrong password (28P01)", pgError("28P01", "password authentication failed"), /SQLSTATE 28P01/],
    ["a check violation (23514)", pgError("23514", "violates check constraint"), /SQLSTATE 23514/],
    ["a missing table (42P01)", pgError("42P01", 'relation "x" does not exist'), /bootstrap\(\)/],
    ["an unknown error", new Error("something else"), /something else/],
  ])("%s: BackendError, not retryable, SQLSTATE named, with the cause", (_, cause, message) => {
    const error = toTypedError("django-pg", cause, context);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect(error).toBeInstanceOf(NodestoreError);
    expect(error).toMatchObject({ retryable: false, id: "n1", operation: "read" });
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(message);
  });
});
