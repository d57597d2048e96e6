/**
 * A side experiment behind the migrate benchmark's analysis, run by hand:
 *   pnpm --filter @nodestore/bench exec tsx src/benchmarks/migrate/put-paths.ts
 * (needs `pnpm services up --only seaweedfs` and its env). The same 5 kB PUTs, 32 in flight, through the AWS SDK
 * v3 (as @nodestore/s3 and the bare loop send them) and through a minimal SigV4-signed `node:http` request,
 * measuring the client's CPU per PUT (process.cpuUsage) and SeaweedFS's (/proc of the `pnpm services` process).
 * Not a template for production code: no retries, no error parsing, path-style only.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { CreateBucketCommand, DeleteBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const N = 4000;
const IN_FLIGHT = 32;
const body = randomBytes(5000);
const endpoint = new URL(process.env.NODESTORE_S3_ENDPOINT ?? "http://127.0.0.1:8333");
const accessKey = process.env.NODESTORE_S3_ACCESS_KEY ?? "sentry";
const secretKey = process.env.NODESTORE_S3_SECRET_KEY ?? "sentry";
const region = "us-east-1";
const bucket = `nsput-${Date.now()}`;

const sdk = new S3Client({
  endpoint: endpoint.origin,
  region,
  forcePathStyle: true,
  requestChecksumCalculation: "WHEN_REQUIRED",
  credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const hmac = (key: string | Buffer, text: string) => createHmac("sha256", key).update(text).digest();
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

function signedPut(key: string): Promise<void> {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretKey}`, day), region), "s3"), "aws4_request");
  const path = `/${bucket}/${key}`;
  const payload = sha256(body);
  const signed = "host;x-amz-content-sha256;x-amz-date";
  const canonical = `PUT\n${path}\n\nhost:${endpoint.host}\nx-amz-content-sha256:${payload}\nx-amz-date:${amzDate}\n\n${signed}\n${payload}`;
  const scope = `${day}/${region}/s3/aws4_request`;
  const signature = createHmac("sha256", signingKey)
    .update(`AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256(canonical)}`)
    .digest("hex");
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: endpoint.hostname,
        port: endpoint.port,
        method: "PUT",
        path,
        agent,
        timeout: 30_000,
        headers: {
          "x-amz-date": amzDate,
          "x-amz-content-sha256": payload,
          "content-length": body.length,
          authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed}, Signature=${signature}`,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 200 ? resolve() : reject(new Error(`PUT ${path}: ${response.statusCode}`)),
        );
      },
    );
    request.on("timeout", () => request.destroy(new Error(`PUT ${path}: timed out`)));
    request.on("error", reject);
    request.end(body);
  });
}

const sdkPut = async (key: string) => {
  await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
};

function seaweedSeconds(): number | undefined {
  try {
    const cache = process.env.NODESTORE_CACHE_DIR ?? join(process.env.HOME ?? "", ".cache/nodestore");
    const pid = readFileSync(join(cache, "run/seaweedfs.pid"), "utf8").trim();
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

async function run(label: string, put: (key: string) => Promise<void>): Promise<void> {
  const weedBefore = seaweedSeconds();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < N) await put(`${label}/${next++}`);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  const weedAfter = seaweedSeconds();
  const weed =
    weedBefore === undefined || weedAfter === undefined
      ? ""
      : `, SeaweedFS CPU ${(((weedAfter - weedBefore) * 1000) / N).toFixed(2)} ms/PUT`;
  console.log(
    `${label.padEnd(10)} ${Math.round(N / seconds)} PUT/s, client CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms/PUT${weed}`,
  );
}

await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
console.log(
  `${N} PUTs of ${body.length} bytes, ${IN_FLIGHT} in flight, bucket ${bucket} on ${endpoint.origin}`,
);
for (let round = 1; round <= 2; round++) {
  await run(`sdk-${round}`, sdkPut);
  await run(`signed-${round}`, signedPut);
}
// SeaweedFS drops a bucket with its objects; other servers refuse a non-empty one (then it stays).
await sdk
  .send(new DeleteBucketCommand({ Bucket: bucket }))
  .catch(() => console.log(`bucket ${bucket} left in place`));
sdk.destroy();
agent.destroy();
