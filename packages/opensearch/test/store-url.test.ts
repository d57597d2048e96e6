// storeUrl: opensearch:// and opensearchs:// URLs to backend options, env fallbacks, and every refusal in one line
// without a secret. One test opens a URL against the real clusters.
import { InvalidArgumentError, NodeStore } from "@nodestore/core";
import { describe, expect, it } from "vitest";
import { type OpenSearchBackend, optionsFromUrl, storeUrl } from "../src/index.js";
import { openSearchTargets, runTag } from "./helpers.js";

const SECRET = "s3cr3t-pa55";
const opts = (url: string, env: Record<string, string> = {}) => optionsFromUrl(new URL(url), env);

function refusal(url: string, env: Record<string, string> = {}): string {
  try {
    storeUrl.open(new URL(url), env).close?.();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const message = (error as Error).message;
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`${url} was accepted`);
}

describe("storeUrl", () => {
  it("names its schemes, an example that parses, and documents every parameter in one line", () => {
    expect(storeUrl.schemes).toEqual(["opensearch", "opensearchs"]);
    expect(() => opts(storeUrl.example, { OPENSEARCH_PASSWORD: "x" })).not.toThrow();
    for (const [key, doc] of Object.entries(storeUrl.parameters)) {
      expect(doc, key).not.toContain("\n");
      expect(doc.length, key).toBeGreaterThan(10);
    }
  });

  it("opensearch:// is HTTP, opensearchs:// HTTPS; the default port is 9200", () => {
    expect(opts("opensearch://os1")).toEqual({ node: "http://os1:9200", env: {} });
    expect(opts("opensearchs://os1:443/")).toMatchObject({ node: "https://os1:443" });
    expect(opts("opensearch://os1:80")).toMatchObject({ node: "http://os1:80" });
    expect(opts("opensearch://[::1]:9201")).toMatchObject({ node: "http://[::1]:9201" });
    expect(opts("opensearchs://os1?nodes=os2,os3:9300")).toMatchObject({
      node: ["https://os1:9200", "https://os2:9200", "https://os3:9300"],
    });
  });

  it("maps every parameter onto the backend's options", () => {
    const o = opts(
      "opensearchs://os?alias=events&template=events-tpl&index=events-{prefix}-{date}&prefix=prod&indexPattern=events-*" +
        "&shards=6&replicas=0&codec=best_compression&refresh=wait_for&overwriteTemplate=true&cleanupPrecision=exact" +
        "&ca=/etc/ca.pem&tlsVerify=false&requestTimeoutMs=5000&maintenanceTimeoutMs=600000&maxRetries=0" +
        "&compression=1&maxSockets=8&bulkMaxBytes=1000000&mgetMaxDocs=500&indexListTtlMs=0&maxValueBytes=1048576",
    );
    expect(o).toEqual({
      node: "https://os:9200",
      aliasName: "events",
      templateName: "events-tpl",
      index: "events-{prefix}-{date}",
      indexPrefix: "prod",
      indexPattern: "events-*",
      shards: 6,
      replicas: 0,
      codec: "best_compression",
      refresh: "wait_for",
      overwriteTemplate: true,
      cleanupPrecision: "exact",
      caBundlePath: "/etc/ca.pem",
      skipTlsVerify: true,
      requestTimeoutMs: 5000,
      maintenanceTimeoutMs: 600000,
      maxRetries: 0,
      compression: true,
      maxSockets: 8,
      bulkMaxBytes: 1000000,
      mgetMaxDocs: 500,
      indexListTtlMs: 0,
      maxValueBytes: 1048576,
      env: {},
    });
    expect(opts("opensearch://os?refresh=true").refresh).toBe(true);
    expect(opts("opensearch://os?refresh=false").refresh).toBe(false);
    // TLS verification stays on unless turned off.
    expect(opts("opensearchs://os").skipTlsVerify).toBeUndefined();
    expect(opts("opensearchs://os?tlsVerify=true").skipTlsVerify).toBe(false);
  });

  it("credentials: the URL's userinfo (percent-decoded), else OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD", () => {
    expect(opts(`opensearch://admin:${encodeURIComponent("p@ss:/w")}@os`).auth).toEqual({
      username: "admin",
      password: "p@ss:/w",
    });
    const env = { OPENSEARCH_USERNAME: "envuser", OPENSEARCH_PASSWORD: "envpass" };
    expect(opts("opensearch://os", env).auth).toEqual({ username: "envuser", password: "envpass" });
    expect(opts("opensearch://urluser@os", env).auth).toEqual({ username: "urluser", password: "envpass" });
    expect(opts("opensearch://urluser:urlpass@os", env).auth).toEqual({
      username: "urluser",
      password: "urlpass",
    });
    expect(
      opts("opensearch://os", { OPENSEARCH_USERNAME: "", OPENSEARCH_PASSWORD: "" }).auth,
    ).toBeUndefined();
  });

  it("the plugin's SENTRY_NODESTORE_OPENSEARCH_* variables apply, the URL's parameters win over them", () => {
    const env = {
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "5",
      SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_REPLICA: "2",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PATTERN: "sentry-*",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC: "best_compression",
      SENTRY_NODESTORE_OPENSEARCH_INDEX_PREFIX: "envp",
    };
    const fromEnv = storeUrl.open(new URL("opensearch://os"), env) as OpenSearchBackend;
    expect(fromEnv.options).toMatchObject({ shards: 5, replicas: 2, codec: "best_compression" });
    expect(fromEnv.options.naming.pattern).toBe("sentry-envp-{date}");
    const fromUrl = storeUrl.open(
      new URL("opensearch://os?shards=1&replicas=0&codec=default&prefix=urlp"),
      env,
    ) as OpenSearchBackend;
    expect(fromUrl.options).toMatchObject({ shards: 1, replicas: 0, codec: "default" });
    expect(fromUrl.options.naming.pattern).toBe("sentry-urlp-{date}");
    // A bad variable is the plugin's message, prefixed by the (redacted) URL.
    expect(
      refusal(`opensearch://u:${SECRET}@os`, { SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS: "3x" }),
    ).toBe(
      "opensearch://u:***@os: SENTRY_NODESTORE_OPENSEARCH_NUMBER_OF_SHARDS must be an integer, got: '3x'",
    );
  });

  it("a config file's options win over the URL's", () => {
    const b = storeUrl.open(
      new URL("opensearch://os?alias=fromurl&shards=2"),
      {},
      {
        aliasName: "fromconfig",
      },
    ) as OpenSearchBackend;
    expect(b.options.alias).toBe("fromconfig");
    expect(b.options.shards).toBe(2);
  });

  it("refuses bad URLs in one line, never quoting the password", () => {
    const u = `u:${SECRET}@`;
    const cases: Array<[string, string | RegExp, Record<string, string>?]> = [
      [
        `opensearch://${u}os?alais=x`,
        /^opensearch:\/\/u:\*\*\*@os\/?\?alais=x: unknown parameter "alais" \(known: alias, /,
      ],
      [`opensearch://${u}os?alias=a&alias=b`, 'parameter "alias" given twice'],
      [
        `opensearch://${u}os/sentry`,
        "a path is not used (name the alias with ?alias=, the index pattern with ?index=)",
      ],
      [`opensearch://${u}os?shards=0`, 'shards must be a positive integer, got "0"'],
      [`opensearch://${u}os?replicas=-1`, 'replicas must be an integer >= 0, got "-1"'],
      [`opensearch://${u}os?maxRetries=x`, 'maxRetries must be an integer >= 0, got "x"'],
      [`opensearch://${u}os?refresh=maybe`, 'refresh must be true, false, wait_for, got "maybe"'],
      [`opensearch://${u}os?cleanupPrecision=hour`, 'cleanupPrecision must be day, exact, got "hour"'],
      [`opensearch://${u}os?compression=si`, 'compression must be true or false, got "si"'],
      [`opensearch://${u}os?ca=/etc/ca.pem`, "ca only applies to opensearchs:// (HTTPS)"],
      [`opensearch://${u}os?tlsVerify=false`, "tlsVerify only applies to opensearchs:// (HTTPS)"],
      [`opensearch://${u}os?alias=`, "alias must not be empty"],
      [`opensearch://${u}os?index=sentry-today`, 'index must be a pattern containing "{date}"'],
      [
        `opensearch://${u}os?requestTimeoutMs=99999999999`,
        "requestTimeoutMs must be an integer number of ms",
      ],
      [`opensearch://${u}os?nodes=a/b`, 'nodes must be host[:port] items, got "a/b"'],
      [`opensearch://${u}os?nodes=x@y`, 'nodes must be host[:port] items, got "x@y"'],
      [`opensearchs://${u}os?ca=/nonexistent/ca.pem`, 'caBundlePath "/nonexistent/ca.pem" cannot be read'],
      [`opensearch://:${SECRET}@os`, "a password but no user name"],
      ["opensearch://admin@os", 'user "admin" has no password (put it in the URL or in OPENSEARCH_PASSWORD)'],
      ["opensearch://os", "a password but no user name", { OPENSEARCH_PASSWORD: SECRET }],
      [`opensearch://${u}os#frag`, "a #fragment is not used"],
      [`s3://${u}bucket`, "not an opensearch:// or opensearchs:// URL"],
      ["opensearch:x", "no host"],
    ];
    for (const [url, expected, env] of cases) {
      const message = refusal(url, env);
      if (typeof expected === "string") expect(message, url).toContain(expected);
      else expect(message, url).toMatch(expected);
    }
  });
});

const targets = openSearchTargets();
for (const target of targets) {
  it(`a URL opens a working store on ${target.label}`, async () => {
    const tag = runTag();
    const url = new URL(target.url.replace(/^http:/, "opensearch:"));
    url.search = `?alias=${tag}&template=${tag}&index=${tag}-{date}&indexPattern=${tag}-*&shards=1&replicas=0&refresh=true`;
    const backend = storeUrl.open(url, {}, { onWarning: () => {} }) as OpenSearchBackend;
    const store = new NodeStore(backend);
    try {
      await store.bootstrap();
      await store.set("a-node", { via: "url" });
      expect(await store.get("a-node")).toEqual({ via: "url" });
      const listed: string[] = [];
      for await (const page of backend.scan()) listed.push(...page.nodes.map((n) => n.id));
      expect(listed).toEqual(["a-node"]);
    } finally {
      await store.close();
      await fetch(`${target.url}/${tag}-*`, { method: "DELETE" });
      await fetch(`${target.url}/_index_template/${tag}`, { method: "DELETE" });
    }
  });
}
