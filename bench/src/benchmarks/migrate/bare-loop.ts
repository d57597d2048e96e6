/**
 * The yardstick of the migrate benchmark, run as its own process: the least a correct Postgres → S3 copy does.
 * Keyset pages of `SELECT id, data` (the same page size), base64 + inflate, the S3 plugin's body (zstd when it
 * helps), PutObject; `pages` pages in flight and `puts` PUTs per page at once, as the CLI does with
 * `--concurrency pages` over a backend writing `puts` at once. No checkpoint, no verification, no error handling
 * beyond failing. Prints one JSON line: { nodes, seconds }.
 *
 * argv: PG_URL TABLE S3_ENDPOINT BUCKET PREFIX PAGE_SIZE PAGES PUTS (S3 keys from NODESTORE_S3_ACCESS_KEY/SECRET)
 */
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mapLimit, zlibBase64 } from "@nodestore/core";
import { encodeBody } from "@nodestore/s3";
import pg from "pg";

const [pgUrl, table, endpoint, bucket, prefix, pageSizeText, pagesText, putsText] = process.argv.slice(2);
const pageSize = Number(pageSizeText);
const pagesInFlight = Number(pagesText);
const puts = Number(putsText);

const pool = new pg.Pool({ connectionString: pgUrl, max: pagesInFlight + 1 });
const s3 = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
  credentials: {
    accessKeyId: process.env.NODESTORE_S3_ACCESS_KEY ?? "",
    secretAccessKey: process.env.NODESTORE_S3_SECRET_KEY ?? "",
  },
});

async function copyPage(ids: string[]): Promise<void> {
  const { rows } = await pool.query<{ id: string; data: string }>(
    `SELECT id, data FROM ${table} WHERE id = ANY($1)`,
    [ids],
  );
  await mapLimit(rows, puts, async (row) => {
    const { body, contentEncoding } = encodeBody(zlibBase64.decode(row.data), true);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${prefix}/${row.id}`,
        Body: body,
        ContentEncoding: contentEncoding,
      }),
    );
  });
}

const started = performance.now();
let nodes = 0;
let after = "";
const inFlight = new Set<Promise<void>>();
for (;;) {
  // The listing query, as a keyset scan does it; values are read per page like a getMulti.
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`,
    [after, pageSize],
  );
  if (rows.length === 0) break;
  after = rows[rows.length - 1]!.id;
  nodes += rows.length;
  const task = copyPage(rows.map((r) => r.id)).finally(() => inFlight.delete(task));
  inFlight.add(task);
  if (inFlight.size >= pagesInFlight) await Promise.race(inFlight);
}
await Promise.all(inFlight);
const seconds = (performance.now() - started) / 1000;
await pool.end();
s3.destroy();
console.log(JSON.stringify({ nodes, seconds }));
