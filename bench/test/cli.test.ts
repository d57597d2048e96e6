import { describe, expect, it } from "vitest";
import { parseBenchArgs, USAGE } from "../src/cli.js";

describe("parseBenchArgs", () => {
  it("has defaults for everything", () => {
    expect(parseBenchArgs([])).toEqual({
      help: false,
      only: undefined,
      json: undefined,
      quick: false,
      corpus: undefined,
      count: undefined,
      seed: 1,
      python: true,
      providers: {},
    });
  });

  it("parses the shared flags and the providers flags, in either form", () => {
    const args = parseBenchArgs([
      "--quick",
      "--only=codec, providers",
      "--corpus",
      "events.jsonl",
      "--count",
      "50",
      "--seed=7",
      "--no-python",
      "--json",
      "out.json",
      "--providers",
      "memory,s3",
      "--pg=postgres://u:p@127.0.0.1/db",
      "--s3-endpoint",
      "http://127.0.0.1:9000",
      "--s3-bucket",
      "b",
      "--no-embedded",
      "--runs",
      "4",
      "--run-ms=250",
      "--s3-rtt=20",
      "--toxiproxy",
      "http://127.0.0.1:18474",
      "--no-write",
    ]);
    expect(args).toEqual({
      help: false,
      only: ["codec", "providers"],
      json: "out.json",
      quick: true,
      corpus: "events.jsonl",
      count: 50,
      seed: 7,
      python: false,
      providers: {
        providers: ["memory", "s3"],
        pg: "postgres://u:p@127.0.0.1/db",
        s3: { endpoint: "http://127.0.0.1:9000", bucket: "b" },
        s3RttMs: 20,
        toxiproxy: "http://127.0.0.1:18474",
        embedded: false,
        runs: 4,
        runMs: 250,
        outDir: null,
      },
    });
  });

  it("ignores `--` (pnpm passes it on) and lets the last of two flags win", () => {
    expect(parseBenchArgs(["--", "--quick", "--out", "x", "--no-write"])).toMatchObject({
      quick: true,
      providers: { outDir: null },
    });
    expect(parseBenchArgs(["--no-write", "--", "--out=x"]).providers.outDir).toBe("x");
    expect(parseBenchArgs(["-h"]).help).toBe(true);
  });

  it("takes the next argument as the value, even when it starts with a dash", () => {
    expect(parseBenchArgs(["--corpus", "--quick"])).toMatchObject({ corpus: "--quick", quick: false });
  });

  it("refuses an unknown flag or a stray argument, with the usage", () => {
    expect(() => parseBenchArgs(["--quik"])).toThrow(/^unknown option --quik\n\nUsage: pnpm bench/);
    expect(() => parseBenchArgs(["--nope=1"])).toThrow(/^unknown option --nope\n/);
    expect(() => parseBenchArgs(["codec"])).toThrow(/^unknown option codec\n/);
    expect(() => parseBenchArgs(["-x"])).toThrow(/^unknown option -x\n/);
  });

  it("refuses a missing value, a value for a switch, and a bad integer, naming the flag", () => {
    expect(() => parseBenchArgs(["--corpus"])).toThrow("--corpus needs a value");
    expect(() => parseBenchArgs(["--quick=yes"])).toThrow("--quick takes no value, got yes");
    expect(() => parseBenchArgs(["--count", "-1"])).toThrow("--count needs a non-negative integer, got -1");
    expect(() => parseBenchArgs(["--seed=1.5"])).toThrow("--seed needs a non-negative integer, got 1.5");
    expect(() => parseBenchArgs(["--runs", "0"])).toThrow("--runs needs a positive integer, got 0");
    expect(() => parseBenchArgs(["--run-ms=x"])).toThrow("--run-ms needs a positive integer, got x");
  });

  it("refuses an RTT that cannot be split evenly into whole ms each way", () => {
    for (const v of ["5", "0", "x"]) {
      expect(() => parseBenchArgs(["--s3-rtt", v])).toThrow(
        `--s3-rtt needs an even number of ms >= 2, got ${v}`,
      );
    }
  });

  it("lists every provider of the registry in the usage", () => {
    expect(USAGE).toContain(
      "--providers LIST   only these: memory,django-pg,s3,s3-rtt,opensearch,opensearch-rtt,tablestore",
    );
  });
});
