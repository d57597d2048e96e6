import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers-commands/index.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("program", () => {
  it("--version and --help", async () => {
    const v = await cli(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toBe(`${pkg.version}\n`);
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const text of [
      "get",
      "put",
      "delete",
      "stats",
      "bootstrap",
      "cleanup",
      "stores",
      "Exit codes:",
      "postgres://",
    ]) {
      expect(help.stdout).toContain(text);
    }
  });

  it("commander's own errors: one line and exit 2; with --json one JSON document on stdout", async () => {
    const unknown = await cli(["get", "x", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split("\n")[0]).toBe("nodestore: unknown option '--bogus'");
    const json = await cli(["get", "x", "--bogus", "--json"]);
    expect(json.code).toBe(2);
    expect(json.stderr).toBe("");
    expect(json.json()).toEqual({
      error: { message: "unknown option '--bogus'", code: "USAGE", exitCode: 2 },
    });
    const command = await cli(["frobnicate", "--json"]);
    expect(command.code).toBe(2);
    expect(command.json<{ error: { message: string } }>().error.message).toMatch(
      /unknown command 'frobnicate'/,
    );
    const badValue = await cli(["cleanup", "memory:", "--days", "many", "--json"]);
    expect(badValue.code).toBe(2);
    expect(badValue.json<{ error: { message: string } }>().error.message).toMatch(/--days.*integer/);
  });

  it("bad store URLs are one line and exit 2", async () => {
    const cases: Array<[string, RegExp]> = [
      ["ftp://x/y", /unknown store scheme "ftp:"/],
      ["memory:?x=1", /unknown parameter "x"/],
      [
        "nosuchname",
        /"nosuchname" is neither a store URL nor a store in the config \(no config file found\)/,
      ],
      ["http://[bad", /not a store URL/],
    ];
    for (const [spec, message] of cases) {
      for (const json of [false, true]) {
        const r = await cli(["get", "a", "-s", spec, ...(json ? ["--json"] : [])]);
        expect(r.code, spec).toBe(2);
        if (json) {
          expect(r.json<{ error: { message: string } }>().error.message).toMatch(message);
        } else {
          expect(r.stderr).toMatch(message);
          expect(r.stderr.trim().split("\n")).toHaveLength(1);
        }
      }
    }
    const none = await cli(["get", "a"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no store: give --store/);
  });

  it("an interrupted command exits 130", async () => {
    const controller = new AbortController();
    controller.abort(new Error("interrupted (SIGINT)"));
    const r = await cli(["stats", "--from", "memory:"], { signal: controller.signal });
    expect(r.code).toBe(130);
  });
});
