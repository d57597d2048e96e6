import { BackendUnavailableError, NodeStore } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { DjangoPgBackend } from "../src/index.js";

describe("errors without a server", () => {
  it("a refused connection is BackendUnavailableError naming the backend, without the password", async () => {
    const store = new NodeStore(
      new DjangoPgBackend({ connectionString: "postgres://sentry:s3cret-pw@127.0.0.1:1/sentry" }),
    );
    const error = await store.get("a").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/django-pg.*ECONNREFUSED/);
    expect((error as Error).message).not.toContain("s3cret-pw");
    await store.close();
  });

  it("refuses bad options", () => {
    expect(() => new DjangoPgBackend({})).toThrow(/exactly one of `pool` or `connectionString`/);
    expect(() => new DjangoPgBackend({ connectionString: "postgres://x", readBatchSize: 0 })).toThrow(
      RangeError,
    );
  });
});
