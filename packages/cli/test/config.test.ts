import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, dirWith } from "./helpers-commands/index.js";

const SECRET = "hunter2-Zq9";

describe("config file", () => {
  it("nodestore.config.json in the working directory names stores", async () => {
    const dir = dirWith({
      "nodestore.config.json": JSON.stringify({
        stores: { eu: "memory:cfg-eu", us: { url: "memory:cfg-us" } },
      }),
      "n.json": '{"region":"eu"}',
    });
    expect((await cli(["put", "n1", "n.json", "-s", "eu"], { cwd: dir })).code).toBe(0);
    const got = await cli(["get", "n1", "-s", "eu", "--json"], { cwd: dir });
    expect(got.stdout).toBe('{"region":"eu"}\n');
    const other = await cli(["get", "n1", "-s", "us"], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stderr).toBe("nodestore: node n1 not found in us\n");
    const unknown = await cli(["get", "n1", "-s", "asia"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"asia" is neither a store URL nor a store in the config \(eu, us\)/);
  });

  it("an .mjs config, by --config relative to the working directory or $NODESTORE_CONFIG", async () => {
    const dir = dirWith({});
    mkdirSync(join(dir, "conf"));
    writeFileSync(
      join(dir, "conf", "regions.mjs"),
      'export default { stores: { de: "memory:cfg-de", "us-east": { url: "memory:cfg-use", options: {} } } };\n',
    );
    const list = await cli(["stores", "--config", "conf/regions.mjs", "--json"], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.json<{ stores: Array<{ name: string }> }>().stores.map((s) => s.name)).toEqual([
      "de",
      "us-east",
    ]);
    const byEnv = await cli(["bootstrap", "de"], { cwd: dir, env: { NODESTORE_CONFIG: "conf/regions.mjs" } });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stdout).toBe("de: the memory backend needs no bootstrap\n");
  });

  it("a broken config is one line, exit 2, and does not stop URL stores", async () => {
    const dir = dirWith({ "nodestore.config.json": "{oops" });
    const named = await cli(["bootstrap", "eu"], { cwd: dir });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/^nodestore: config file .*nodestore\.config\.json: .*JSON.*\n$/);
    expect((await cli(["bootstrap", "memory:"], { cwd: dir })).code).toBe(0);
    const shape = dirWith({ "nodestore.config.json": '{"stores":{"a":3}}' });
    expect((await cli(["bootstrap", "a"], { cwd: shape })).stderr).toMatch(/stores\.a must be a URL/);
    const missing = await cli(["bootstrap", "a", "--config", "nope.json"], { cwd: shape });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config file not found: .*nope\.json/);
  });
});

describe("secrets are never printed", () => {
  const check = (text: string) => {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
  };

  it("not from a URL: labels, errors, --json", async () => {
    const url = `memory://admin:${SECRET}@host/x`;
    const runs = [
      await cli(["get", "absent", "-s", url]),
      await cli(["get", "absent", "-s", url, "--json"]),
      await cli(["get", "absent", "-s", `memory://admin:${SECRET}@host?password=${SECRET}&bad=1`]),
      await cli(["get", "absent", "-s", `memory://admin:${SECRET}@host?bad=1`, "--json"]),
      await cli(["get", "absent", "-s", `postgres://admin:${SECRET}@[bad/x`]),
      await cli(["get", "absent", "-s", `s4://admin:${SECRET}@h/x`, "--json"]),
      await cli(["stats", "--from", url, "--json"]),
      await cli(["cleanup", url, "--days", "3"]),
      await cli(["bootstrap", url]),
      await cli(["delete", "a", "-s", url, "--json"]),
    ];
    for (const r of runs) {
      expect(r.all.length).toBeGreaterThan(0);
      check(r.all);
    }
    expect(runs[0]!.stderr).toContain("admin:***@host");
  });

  it("not from the config file (URLs and options) nor from the environment", async () => {
    const dir = dirWith({
      "nodestore.config.json": JSON.stringify({
        stores: {
          a: `memory://u:${SECRET}@h/a`,
          b: { url: "memory:cfg-b", options: { password: SECRET, nested: { accessKeySecret: SECRET } } },
          c: { url: `memory://u:${SECRET}@h/c?token=${SECRET}` },
        },
      }),
    });
    const env = { PGPASSWORD: SECRET, AWS_SECRET_ACCESS_KEY: SECRET };
    const runs = [
      await cli(["stores"], { cwd: dir, env }),
      await cli(["stores", "--json"], { cwd: dir, env }),
      await cli(["get", "x", "-s", "a"], { cwd: dir, env }),
      await cli(["get", "x", "-s", "c", "--json"], { cwd: dir, env }),
      await cli(["get", "x", "-s", "b"], { cwd: dir, env }),
    ];
    for (const r of runs) check(r.all);
    expect(runs[0]!.stdout).toContain("memory://u:***@h/a");
    expect(runs[0]!.stdout).toContain("(options: password, nested)");
  });
});
