import { Client } from "@opensearch-project/opensearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceEnv } from "../src/index.js";

// NODESTORE_OPENSEARCH_URL: OpenSearch 2.x, NODESTORE_OPENSEARCH3_URL: OpenSearch 3.x; single nodes, no security
// plugin. The index is shaped like sentry-opensearch-nodestore's (stored `data`, `_source` off), and deletes use
// _delete_by_query, which needs the reindex module.
for (const [variable, major] of [
  ["NODESTORE_OPENSEARCH_URL", "2"],
  ["NODESTORE_OPENSEARCH3_URL", "3"],
] as const) {
  smoke(variable, major);
}

function smoke(variable: string, major: string): void {
  const url = serviceEnv(variable);

  describe.skipIf(!url)(`OpenSearch at ${variable}`, () => {
    let client: Client;
    const index = `smoke-${process.pid}-${Date.now()}`;

    beforeAll(async () => {
      client = new Client({ node: url! });
      await client.indices.create({
        index,
        body: {
          settings: { index: { number_of_shards: 1, number_of_replicas: 0 } },
          mappings: {
            _source: { enabled: false },
            dynamic: false,
            properties: {
              data: { type: "keyword", index: false, store: true, doc_values: false },
              timestamp: { type: "date" },
            },
          },
        },
      });
    });
    afterAll(async () => {
      await client.indices.delete({ index }).catch(() => {});
      await client.close();
    });

    it(`is OpenSearch ${major}.x`, async () => {
      const info = await client.info();
      expect(info.body.version.distribution).toBe("opensearch");
      expect(info.body.version.number.startsWith(`${major}.`)).toBe(true);
    });

    it("indexes, gets (stored fields), and deletes by query", async () => {
      const id = "0123456789abcdef0123456789abcdef";
      const data = "eJyrVkpUsjLUUUrKTAfSRsYmpmbmFpYG2Fg6SmlAJXpAOk/Jyi/RrxYAoNoNwA==";
      await client.index({ index, id, body: { data, timestamp: new Date().toISOString() }, refresh: true });
      const got = await client.get({ index, id, stored_fields: ["data"] });
      expect(got.body.found).toBe(true);
      expect(got.body.fields?.data).toEqual([data]);
      const del = await client.deleteByQuery({
        index,
        body: { query: { ids: { values: [id] } } },
        refresh: true,
      });
      expect((del.body as { deleted?: number }).deleted).toBe(1);
      const count = await client.count({ index });
      expect(count.body.count).toBe(0);
    });
  });
}
