import { InvalidArgumentError } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { DjangoPgBackend, optionsFromUrl, storeUrl } from "../src/index.js";
import { postgresTargets, scratchSchema } from "./helpers.js";

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

  it("connects through a Unix socket: host= or a PGHOST path, user and password then in the query for pg", () => {
    const env = { PGHOST: "/var/run/postgresql", PGUSER: "sentry", PGPASSWORD: "pw", PGPORT: "5433" };
    const conn = new URL(parse("postgres:///sentry", env).connectionString!);
    expect(Object.fromEntries(conn.searchParams)).toMatchObject({
      host: "/var/run/postgresql",
      user: "sentry",
      password: "pw",
      port: "5433",
    });
    expect(conn.pathname).toBe("/sentry");
    const own = new URL(parse("postgres:///sentry?host=/tmp", env).connectionString!);
    expect(own.searchParams.get("host")).toBe("/tmp");
    // A host in the URL wins over a PGHOST socket.
    expect(new URL(parse("postgres://db/sentry", env).connectionString!).searchParams.get("host")).toBeNull();
  });

  it("takes PGHOST as a host name (IPv6 too) and application_name from the URL, PGAPPNAME or nodestore", () => {
    expect(new URL(parse("postgres:///db", { PGHOST: "::1" }).connectionString!).hostname).toBe("[::1]");
    const app = (text: string, env = {}) =>
      new URL(parse(text, env).connectionString!).searchParams.get("application_name");
    expect(app("postgres://h/db")).toBe("nodestore");
    expect(app("postgres://h/db", { PGAPPNAME: "mine" })).toBe("mine");
    expect(app("postgres://h/db?application_name=cli", { PGAPPNAME: "mine" })).toBe("cli");
    // No sslmode anywhere: none in the connection string, so pg's own default (and PGSSLMODE) applies.
    expect(new URL(parse("postgres://h/db").connectionString!).searchParams.get("sslmode")).toBeNull();
  });

  it("merges a config file's options over the URL's", async () => {
    const backend = storeUrl.open(
      new URL("postgres://u:p@127.0.0.1:1/db?table=t1&queryTimeoutMs=5"),
      {},
      {
        table: "t2",
      },
    ) as DjangoPgBackend;
    expect(backend.tableName.table).toBe("t2");
    await backend.close();
  });

  it("documents every parameter in one line", () => {
    for (const [key, doc] of Object.entries(storeUrl.parameters)) {
      expect(doc, key).not.toBe("");
      expect(doc, key).not.toContain("\n");
    }
    expect(storeUrl.schemes).toEqual(["postgres", "postgresql"]);
    expect(() => parse(storeUrl.example)).not.toThrow();
  });

  it.each([
    ["postgres://u:topsecret@h/db?tabel=x", /unknown parameter "tabel"/],
    ["postgres://u:topsecret@h/db?sslmode=requir", /sslmode must be one of disable, prefer/],
    ["postgres://u:topsecret@h/db?host=/tmp", /host= is a Unix-socket directory/],
    ["postgres://u:topsecret@h/db?readBatchSize=0", /readBatchSize must be a positive integer/],
    ["postgres://u:topsecret@h/db?cleanupPauseMs=-1", /cleanupPauseMs must be a whole number/],
    ["postgres://u:topsecret@h/db?queryTimeoutMs=99999999999", /queryTimeoutMs must be at most/],
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

  it.each([
    [{ PGSSLMODE: "on", PGPASSWORD: "topsecret" }, /PGSSLMODE must be one of/],
    [{ PGPORT: "54a", PGPASSWORD: "topsecret" }, /PGPORT is not a port number/],
    [{ PGHOST: "a b", PGPASSWORD: "topsecret" }, /PGHOST is neither a host name nor a socket directory/],
  ])("refuses a bad environment %j in one line without the password", (env, reason) => {
    const error = (() => {
      try {
        storeUrl.open(new URL("postgres:///db"), env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain("topsecret");
  });

  it("opens a DjangoPgBackend on the named table", async () => {
    const backend = storeUrl.open(new URL("postgres://u:p@127.0.0.1:1/db?table=t1"), {});
    expect(backend).toBeInstanceOf(DjangoPgBackend);
    expect((backend as DjangoPgBackend).tableName.table).toBe("t1");
    await backend.close?.();
  });
});

for (const target of postgresTargets()) {
  describe(`storeUrl on ${target.label}`, () => {
    it("opens a working store from the URL, and from postgres:/// plus the PG* variables", async () => {
      const scratch = await scratchSchema(target.url);
      try {
        const server = new URL(target.url);
        const viaUrl = new URL(server.href);
        viaUrl.search = `?schema=${scratch.schema}&table=nodes_by_url`;
        const first = storeUrl.open(viaUrl, {}) as DjangoPgBackend;
        await first.bootstrap();
        await first.setBytes("a1", new Uint8Array([1, 2, 3]));
        await first.close();
        const env = {
          PGHOST: server.hostname,
          PGPORT: server.port,
          PGUSER: decodeURIComponent(server.username),
          PGPASSWORD: decodeURIComponent(server.password),
          PGDATABASE: server.pathname.slice(1),
        };
        const second = storeUrl.open(
          new URL(`postgresql:///?schema=${scratch.schema}&table=nodes_by_url`),
          env,
        ) as DjangoPgBackend;
        const pages = [];
        for await (const page of second.scan!()) pages.push(page);
        expect(pages.flatMap((p) => p.nodes.map((n) => n.id))).toEqual(["a1"]);
        expect([...(await second.getBytes("a1"))!]).toEqual([1, 2, 3]);
        await second.close();
      } finally {
        await scratch.drop();
      }
    });
  });
}
