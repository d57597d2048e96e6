// The official Python SDK (the venv `pnpm services up` builds) against the server: every operation the plugin
// uses and more, the errors as OTSServiceError(status, code, message), the response headers and response
// signature it verifies (V2 and V4), a damaged answer refused by its PlainBuffer reader.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startTablestoreServer } from "../src/index.js";

// This package cannot depend on @nodestore/services (which depends on it): the same rule, inline.
const python = process.env.NODESTORE_PYTHON;
if (!python) {
  const why =
    'the Python reference venv: NODESTORE_PYTHON not set (run `pnpm services up`, then `eval "$(pnpm -s services env)"`)';
  if (process.env.NODESTORE_REQUIRE_SERVICES === "1")
    throw new Error(`NODESTORE_REQUIRE_SERVICES=1 but ${why}`);
  console.warn(`[skip] ${why}`);
}

const probe = fileURLToPath(new URL("python/sdk_probe.py", import.meta.url));

describe.runIf(python)("the official Python SDK against the local server", () => {
  let server: RunningServer;
  // biome-ignore lint/suspicious/noExplicitAny: the probe's JSON
  let out: any;

  beforeAll(async () => {
    server = await startTablestoreServer({
      credentials: [
        { accessKeyId: "nodestore", accessKeySecret: "nodestore-secret" },
        { accessKeyId: "STS.temp", accessKeySecret: "temp-secret", stsToken: "token-1" },
      ],
    });
    // Asynchronously: a synchronous spawn would block the server's event loop.
    const child = spawn(python!, [
      probe,
      server.endpoint,
      server.instance,
      server.accessKeyId,
      server.accessKeySecret,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`sdk_probe.py exited ${code}: ${stderr}`);
    out = JSON.parse(stdout);
  }, 120_000);
  afterAll(() => server?.close());

  it("tables: describe, list, update, create again (409), TTL 3600 refused (400)", () => {
    expect(out.describe).toEqual({
      pk: [["id", "STRING"]],
      ttl: -1,
      max_version: 1,
      deviation: 86400,
      read: 0,
    });
    expect(out.list).toEqual(["py_probe"]);
    expect(out.update).toBe(86400 * 30);
    expect(out.create_again).toEqual({
      service_error: [409, "OTSObjectAlreadyExist", "Requested table already exists."],
    });
    expect(out.create_ttl_3600.service_error.slice(0, 2)).toEqual([400, "OTSParameterInvalid"]);
    expect(out.deleted).toEqual({
      service_error: [404, "OTSObjectNotExist", "Requested table does not exist."],
    });
  });

  it("rows: bytearray is BINARY, bytes and str are STRING, int, float, bool; a missing row is None", () => {
    expect(out.get).toEqual({
      pk: [["id", "a"]],
      columns: [
        ["b", true],
        ["blob", { binary: "AP8=" }],
        ["bytes", "raw"],
        ["f", 1.5],
        ["i", 7],
        ["s", "hé"],
      ],
    });
    expect(out.get_missing).toBeNull();
  });

  it("errors: condition 403 (signed answer), missing table 404, key schema 400, cell over 2 MiB 400", () => {
    expect(out.put_expect_not_exist).toEqual({
      service_error: [403, "OTSConditionCheckFail", "Condition check failed."],
    });
    expect(out.get_missing_table).toEqual({
      service_error: [404, "OTSObjectNotExist", "Requested table does not exist."],
    });
    expect(out.wrong_pk).toEqual({ service_error: [400, "OTSInvalidPK", "Primary key schema mismatch."] });
    expect(out.big_cell.service_error[2]).toMatch(
      /exceeded the MaxLength:2097152 with CurrentLength:2097153/,
    );
  });

  it("batches (a row failed by an injected fault, the others written) and GetRange pages", () => {
    expect(out.batch_write).toEqual({
      ok: 9,
      failed: [["OTSRowOperationConflict", "Data is being modified by the other request."]],
    });
    expect(out.batch_get.filter(([ok, id]: [boolean, string | null]) => ok && id !== null)).toHaveLength(9);
    expect(out.batch_get[3]).toEqual([true, null]);
    expect(out.range_pages.flat()).toEqual([
      "a",
      "k000",
      "k001",
      "k002",
      "k004",
      "k005",
      "k006",
      "k007",
      "k008",
      "k009",
    ]);
    expect(out.range_pages.map((p: string[]) => p.length)).toEqual([4, 4, 2]);
  });

  it("what a scan reads: keys and flags of every row, attributes only, a time window (GetRange, BatchGetRow)", () => {
    expect(out.scan_keys_and_flags).toEqual([
      ["a-flagged", [["flags", 2, true]]],
      ["b-raw", []],
      ["c-key-only", []],
    ]);
    expect(out.scan_flags_only).toEqual([["a-flagged", [["flags", 2, true]]]]);
    expect(out.scan_window_now).toEqual(["a-flagged"]);
    expect(out.scan_window_later).toEqual([]);
    expect(out.batch_window).toEqual(["a-flagged", "b-raw", null]);
  });

  it("a damaged answer is refused by the SDK's checksum check; OTSServerBusy is raised, and retried by its default policy", () => {
    expect(out.corrupt_answer.client_error ?? JSON.stringify(out.corrupt_answer)).toMatch(/[Cc]hecksum/);
    expect(out.server_busy).toEqual({ service_error: [503, "OTSServerBusy", "Server is busy."] });
    expect(out.server_busy_retried).toEqual({ ok: [["id", "a"]] });
  });

  it("signatures: V2 and V4 verified both ways; wrong secrets and STS tokens refused with 403 OTSAuthFailed", () => {
    expect(out.wrong_secret).toEqual({ service_error: [403, "OTSAuthFailed", "Signature mismatch."] });
    expect(out.v4_signature).toEqual({ ok: ["py_probe"] });
    expect(out.v4_wrong_secret).toEqual({ service_error: [403, "OTSAuthFailed", "Signature mismatch."] });
    expect(out.sts).toEqual({ ok: ["py_probe"] });
    expect(out.sts_wrong.service_error.slice(0, 2)).toEqual([403, "OTSAuthFailed"]);
  });
});
