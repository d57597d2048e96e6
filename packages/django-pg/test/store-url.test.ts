import { InvalidArgumentError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { DjangoPgBackend, optionsFromUrl, storeUrl } from "../src/index.js";

const parse = (text: string, env: Record<string, string> = {}) => optionsFromUrl(new URL(text), env);

describe("storeUrl (postgres://)", () => {
  it("maps the URL onto options, leaving libpq's parameters in the connection string", () => {
    const options = parse(
      "postgres://sentry:s3cret@db.internal:6432/sentry?table=nodes&schema=ns&queryTimeoutMs=1000&sslmode=verify-full&readBatchSize=50&cleanupPauseMs=0",
    );
    expect(options).toMatchObject({
      table: "nodes",
      schema: "ns",
      queryTimeoutMs: 1000,
      readBatchSize: 50,
      cleanupPauseMs: 0,
    });
    const conn = new URL(options.connectionString!);
    expect(conn.hostname).toBe("db.internal");
    expect(conn.port).toBe("6432");
    expect(conn.username).toBe("sentry");
    expect(conn.password).toBe("s3cret");
    expect(conn.pathname).toBe("/sentry");
    expect(conn.searchParams.get("sslmode")).toBe("verify-full");
    expect(conn.searchParams.get("table")).toBeNull();
  });

  it("fills what the URL leaves out from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE; the URL wins", () => {
    const env = {
      PGHOST: "pg.example",
      PGPORT: "5433",
      PGUSER: "ops",
      PGPASSWORD: "p@ss/word",
      PGDATABASE: "sentry",
      PGSSLMODE: "require",
    };
    const conn = new URL(parse("postgres:///", env).connectionString!);
    expect([
      conn.hostname,
      conn.port,
      decodeURIComponent(conn.username),
      decodeURIComponent(conn.password),
    ]).toEqual(["pg.example", "5433", "ops", "p@ss/word"]);
    expect(conn.pathname).toBe("/sentry");
    expect(conn.searchParams.get("sslmode")).toBe("require");
    const own = new URL(parse("postgresql://me:mine@h:1/db?sslmode=disable", env).connectionString!);
    expect([own.hostname, own.username, own.password, own.pathname]).toEqual(["h", "me", "mine", "/db"]);
    expect(own.searchParams.get("sslmode")).toBe("disable");
  });

  it.each([
    ["postgres://u:topsecret@h/db?tabel=x", /unknown parameter "tabel"/],
    ["postgres://u:topsecret@h/db?queryTimeoutMs=soon", /queryTimeoutMs must be a positive integer/],
    ["postgres://u:topsecret@h/db?table=", /table is empty/],
    ["postgres://u:topsecret@h/db/nodes", /the path is the database name only/],
    ["postgres://u:topsecret@h/db?table=a&table=b", /given twice/],
  ])("refuses %s in one line without the password", (text, reason) => {
    let error: unknown;
    try {
      storeUrl.open(new URL(text), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const message = (error as Error).message;
    expect(message).toMatch(reason);
    expect(message).not.toContain("topsecret");
    expect(message).not.toContain("\n");
  });

  it("opens a DjangoPgBackend on the named table", async () => {
    const backend = storeUrl.open(new URL("postgres://u:p@127.0.0.1:1/db?table=t1"), {});
    expect(backend).toBeInstanceOf(DjangoPgBackend);
    expect((backend as DjangoPgBackend).tableName.table).toBe("t1");
    await backend.close?.();
  });
});
