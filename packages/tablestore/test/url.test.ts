// storeUrl: tablestore://[ID:SECRET@]instance?endpoint=…&… onto TablestoreOptions; credentials from the URL, then
// ALIBABA_CLOUD_*, then OTS_AK_ENV / OTS_SK_ENV; config options over all; one-line errors without secrets.
import { InvalidArgumentError, type StoreEnv } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { storeUrl, TablestoreBackend } from "../src/index.js";

const ENDPOINT = "https://sentry.cn-hangzhou.ots.aliyuncs.com";
const KEYS: StoreEnv = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIenv",
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret-1",
};

function open(text: string, env: StoreEnv = KEYS, options?: Record<string, unknown>) {
  const backend = storeUrl.open(new URL(text), env, options) as TablestoreBackend;
  expect(backend).toBeInstanceOf(TablestoreBackend);
  return backend;
}

/** What the backend handed the SDK client. */
function sdkConfig(backend: TablestoreBackend) {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK keeps its config untyped
  const config = (backend.client.sdk as any).config;
  return {
    endpoint: config.endpoint,
    instance: config.instancename,
    accessKeyId: config.accessKeyId,
    secret: config.secretAccessKey,
    stsToken: config.stsToken,
  };
}

function refusal(text: string, env: StoreEnv = KEYS, options?: Record<string, unknown>): string {
  try {
    storeUrl.open(new URL(text), env, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    for (const secret of ["s3cr3t", "env-secret-1", "ots-secret", "tok-9"])
      expect(message).not.toContain(secret);
    return message;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe("storeUrl", () => {
  it("declares the scheme, an example that opens, and one line per parameter", () => {
    expect(storeUrl.schemes).toEqual(["tablestore"]);
    open(storeUrl.example);
    for (const [name, doc] of Object.entries(storeUrl.parameters)) {
      expect(doc, name).not.toContain("\n");
      expect(doc.length, name).toBeGreaterThan(10);
    }
  });

  it("the host is the instance; endpoint and table; every option by its own name", () => {
    const backend = open(
      `tablestore://sentry?endpoint=${ENDPOINT}&table=events_v2&compression=zstd&defaultTtl=7776000&automaticExpiry=true&reservedRead=5&reservedWrite=0&connectTimeoutMs=1000&requestTimeoutMs=9000&retryAttempts=0&maxSockets=8&readBatchSize=50&writeBatchSize=100&batchConcurrency=2&maxValueBytes=1048576`,
    );
    expect(backend.table).toBe("events_v2");
    expect(backend.maxValueBytes).toBe(1048576);
    expect(backend.client.retryAttempts).toBe(0);
    expect(sdkConfig(backend)).toMatchObject({
      endpoint: ENDPOINT,
      instance: "sentry",
      accessKeyId: "LTAIenv",
    });
    expect(open(`tablestore://sentry?endpoint=${ENDPOINT}`).table).toBe("nodestore");
  });

  it("compression: zstd, zlib, true, false, none (any case)", () => {
    for (const value of ["zstd", "zlib", "true", "false", "none", "ZSTD"]) {
      open(`tablestore://sentry?endpoint=${ENDPOINT}&compression=${value}`);
    }
  });

  it("credentials: URL userinfo (percent-decoded) over ALIBABA_CLOUD_* over OTS_AK_ENV/OTS_SK_ENV; the STS token with its pair", () => {
    const fromUrl = open(`tablestore://LTAIurl:s3cr3t%2Fx@sentry?endpoint=${ENDPOINT}`, {
      ...KEYS,
      ALIBABA_CLOUD_SECURITY_TOKEN: "tok-9",
    });
    expect(sdkConfig(fromUrl)).toMatchObject({ accessKeyId: "LTAIurl", secret: "s3cr3t/x" });
    expect(sdkConfig(fromUrl).stsToken ?? undefined).toBeUndefined();

    const fromEnv = open(`tablestore://sentry?endpoint=${ENDPOINT}`, {
      ...KEYS,
      ALIBABA_CLOUD_SECURITY_TOKEN: "tok-9",
      OTS_AK_ENV: "LTAIots",
      OTS_SK_ENV: "ots-secret",
    });
    expect(sdkConfig(fromEnv)).toMatchObject({
      accessKeyId: "LTAIenv",
      secret: "env-secret-1",
      stsToken: "tok-9",
    });

    const fromOts = open(`tablestore://sentry?endpoint=${ENDPOINT}`, {
      OTS_AK_ENV: "LTAIots",
      OTS_SK_ENV: "ots-secret",
    });
    expect(sdkConfig(fromOts)).toMatchObject({ accessKeyId: "LTAIots", secret: "ots-secret" });
  });

  it("config options are merged over the URL's (credentials included)", () => {
    const backend = open(
      `tablestore://sentry?endpoint=${ENDPOINT}&table=a`,
      {},
      {
        table: "b",
        accessKeyId: "LTAIcfg",
        accessKeySecret: "cfg",
        stsToken: "t",
      },
    );
    expect(backend.table).toBe("b");
    expect(sdkConfig(backend)).toMatchObject({ accessKeyId: "LTAIcfg", secret: "cfg", stsToken: "t" });
  });

  it("refuses bad URLs in one line, naming the problem and never a secret", () => {
    const e = `endpoint=${ENDPOINT}`;
    expect(refusal(`tablestore://sentry?${e}&tabel=x`)).toMatch(/unknown parameter "tabel"/);
    expect(refusal(`tablestore://sentry?${e}&table=a&table=b`)).toMatch(/"table" given twice/);
    expect(refusal("tablestore://sentry")).toMatch(/endpoint= is required/);
    expect(refusal(`tablestore://?${e}`)).toMatch(/name the instance/);
    expect(refusal(`tablestore://sentry:443?${e}`)).toMatch(/put the port in endpoint=/);
    expect(refusal(`tablestore://sentry/nodestore?${e}`)).toMatch(/name the table with table=/);
    expect(refusal("tablestore://sentry?endpoint=ftp://x")).toMatch(/endpoint must be an http/);
    expect(refusal(`tablestore://sentry?${e}&compression=lz4`)).toMatch(/compression must be zstd/);
    expect(refusal(`tablestore://sentry?${e}&defaultTtl=-1`)).toMatch(
      /defaultTtl must be a positive integer/,
    );
    expect(refusal(`tablestore://sentry?${e}&automaticExpiry=maybe`)).toMatch(
      /automaticExpiry must be true or false/,
    );
    expect(refusal(`tablestore://sentry?${e}&automaticExpiry=true`)).toMatch(
      /automaticExpiry needs defaultTtl/,
    );
    expect(refusal(`tablestore://sentry?${e}&readBatchSize=101`)).toMatch(
      /readBatchSize must be at most 100/,
    );
    expect(refusal(`tablestore://sentry?${e}&retryAttempts=-2`)).toMatch(
      /retryAttempts must be an integer >= 0/,
    );
    expect(refusal(`tablestore://sentry?${e}&table=1bad`)).toMatch(/is not a Tablestore table name/);
    expect(refusal(`tablestore://sentry?${e}`, {})).toMatch(/no AccessKey/);
    expect(refusal(`tablestore://LTAIx@sentry?${e}`)).toMatch(/ACCESS_KEY_ID:ACCESS_KEY_SECRET/);
    expect(refusal(`tablestore://LTAIx:s3cr3t%ZZ@sentry?${e}`)).toMatch(/percent-encoding/);
    expect(refusal(`tablestore://sentry?${e}`, { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAIx" })).toMatch(
      /ALIBABA_CLOUD_ACCESS_KEY_ID is set but ALIBABA_CLOUD_ACCESS_KEY_SECRET is not/,
    );
    expect(refusal(`tablestore://sentry?${e}`, { OTS_SK_ENV: "ots-secret" })).toMatch(
      /OTS_SK_ENV is set but OTS_AK_ENV/,
    );
    // The secret of the URL is redacted in every message.
    expect(refusal(`tablestore://LTAIx:s3cr3t@sentry?${e}&nope=1`)).toContain("LTAIx:***@sentry");
  });
});
