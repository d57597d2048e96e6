import { describe, expect, it } from "vitest";
import { handlerFor, listBackends } from "../src/stores/backends.js";
import { cli } from "./helpers-commands/index.js";

describe("stores", () => {
  it("lists every backend package with its URL example and parameters", async () => {
    const r = await cli(["stores", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json<{
      config: null;
      stores: [];
      backends: Array<{ package: string; installed: boolean }>;
    }>();
    expect(out.config).toBeNull();
    expect(out.backends.map((b) => b.package)).toEqual([
      "@nodestore/core",
      "@nodestore/django-pg",
      "@nodestore/s3",
      "@nodestore/opensearch",
      "@nodestore/tablestore",
    ]);
    // The dev dependencies are installed here; each either has storeUrl or says it is too old.
    for (const b of await listBackends()) {
      expect(b.installed).toBe(true);
      if (b.schemes === undefined) expect(b.problem).toMatch(/too old/);
      else {
        expect(b.example).toMatch(new RegExp(`^(${b.schemes.join("|")}):`));
        expect(typeof b.parameters).toBe("object");
      }
    }
    const human = await cli(["stores"]);
    expect(human.stdout).toMatch(/^config: none/);
    expect(human.stdout).toContain("memory:  @nodestore/core");
  });

  it("opensearch and tablestore URLs open through their packages", async () => {
    expect((await handlerFor("opensearch")).schemes).toContain("opensearch");
    expect((await handlerFor("tablestore")).schemes).toEqual(["tablestore"]);
    const bad = await cli(["get", "x", "-s", "tablestore://inst"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^nodestore: tablestore:\/\/inst.*endpoint= is required/);
    const typo = await cli(["get", "x", "-s", "opensearch://localhost:9200?alais=x", "--json"]);
    expect(typo.code).toBe(2);
    expect(typo.json<{ error: { message: string } }>().error.message).toMatch(/unknown parameter "alais"/);
  });

  it("memory:NAME is shared within the process, memory: is new each time", async () => {
    expect((await cli(["put", "k", "-s", "memory:shared-test"], { stdin: "{}" })).code).toBe(0);
    expect((await cli(["get", "k", "-s", "memory:shared-test"])).code).toBe(0);
    expect((await cli(["put", "k", "-s", "memory:"], { stdin: "{}" })).code).toBe(0);
    expect((await cli(["get", "k", "-s", "memory:"])).code).toBe(1);
  });
});
