#!/usr/bin/env node
// The README's mapping table: which `data` mapping of the Python plugins takes nodes of 30 kB, 1 MB and 20 MB
// (incompressible, so the zlib output is as large as the node), whether the value reads back identical, and the
// store size of the 4 documents after a flush. One scratch index per mapping, removed at the end.
//
//   node packages/opensearch/scripts/measure-mappings.mjs [URL]     (default $NODESTORE_OPENSEARCH_URL)
//
// The 20 MB case sends 28 MB of base64 that the node holds several times over: give it a heap of 1 GB or more
// (`pnpm services up` does); a 512 MB node ran out of memory serving it back.
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";

const url = process.argv[2] ?? process.env.NODESTORE_OPENSEARCH_URL;
if (!url) throw new Error("usage: measure-mappings.mjs URL (or set NODESTORE_OPENSEARCH_URL)");

const mappings = {
  "keyword, doc values (sentry-opensearch-nodestore 1.1)": { type: "keyword", index: false, store: true },
  "keyword, no doc values (sentry-opensearch-nodestore 1.2)": {
    type: "keyword",
    index: false,
    store: true,
    doc_values: false,
  },
  "text (andrsp, wedeploy)": { type: "text", index: false, store: true },
  "binary (airdry 1.0, @nodestore/opensearch)": { type: "binary", store: true },
};
const sizes = { "30 kB": 30_000, "40 kB": 40_000, "1 MB": 1 << 20, "20 MB": 20 << 20 };

async function req(method, path, body) {
  const r = await fetch(url + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) };
  } catch {
    return { status: r.status, body: text };
  }
}

const version = (await req("GET", "/")).body.version.number;
console.log(`OpenSearch ${version} at ${url}`);
let n = 0;
for (const [name, mapping] of Object.entries(mappings)) {
  const index = `nsprobe-mapping-${process.pid}-${n++}`;
  await req("PUT", `/${index}`, {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      _source: { enabled: false },
      dynamic: false,
      properties: { data: mapping, timestamp: { type: "date" } },
    },
  });
  const results = [];
  for (const [label, bytes] of Object.entries(sizes)) {
    const data = deflateSync(randomBytes(bytes)).toString("base64");
    const put = await req("PUT", `/${index}/_doc/${bytes}`, { data, timestamp: new Date().toISOString() });
    if (put.status >= 300) {
      results.push(`${label}: refused (${put.body.error?.root_cause?.[0]?.reason ?? put.status})`);
      continue;
    }
    const got = await req("GET", `/${index}/_doc/${bytes}?stored_fields=data`);
    results.push(
      `${label}: ${got.body.fields?.data?.[0] === data ? "ok, reads back identical" : "READ BACK DIFFERS"}`,
    );
  }
  await req("POST", `/${index}/_flush`);
  await new Promise((r) => setTimeout(r, 10_500)); // the store size is cached for 10 s
  const store = (await req("GET", `/${index}/_stats/store`)).body._all.primaries.store.size_in_bytes;
  console.log(`${name}\n  ${results.join("\n  ")}\n  store: ${(store / 1e6).toFixed(1)} MB`);
  await req("DELETE", `/${index}`);
}
