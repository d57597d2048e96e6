// TLS as the Python plugin's users configure it (`ca_bundle_path`, `skip_tls_verify`), against a real S3 server:
// SeaweedFS behind a TLS terminator with a certificate from a CA made for this run (openssl). Verification is on
// by default; a private CA is trusted only when given; the host name is checked.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { BackendError, BackendUnavailableError, encodeNodeData } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBody, S3Backend, type S3BackendOptions } from "../src/index.js";
import { refCli, runId, type S3Target, s3Targets, scratchBucket, utf8 } from "./helpers.js";

const target: S3Target | undefined = s3Targets().find((t) => t.label === "SeaweedFS") ?? s3Targets()[0];
const ref = refCli();

/** A CA and a server certificate it signed for IP 127.0.0.1 (no DNS name: "localhost" must not match). */
function makeCerts(dir: string, name: string): { ca: string; key: string; cert: string } {
  const at = (f: string) => join(dir, `${name}-${f}`);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${name} test CA`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    at("server.key"),
    "-out",
    at("server.csr"),
  );
  writeFileSync(
    at("ext.cnf"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    at("server.csr"),
    "-CA",
    at("ca.pem"),
    "-CAkey",
    at("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    at("ext.cnf"),
    "-out",
    at("server.pem"),
  );
  return { ca: at("ca.pem"), key: at("server.key"), cert: at("server.pem") };
}

describe.skipIf(!target)("TLS to a real S3 server (SeaweedFS behind a TLS terminator)", () => {
  let dir: string;
  let ours: { ca: string; key: string; cert: string };
  let other: { ca: string; key: string; cert: string };
  let server: Server;
  const sockets = new Set<Socket>();
  let port: number;
  let scratch: Awaited<ReturnType<typeof scratchBucket>>;
  const open: S3Backend[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "nodestore-tls-"));
    ours = makeCerts(dir, "ours");
    other = makeCerts(dir, "other");
    const upstream = new URL(target!.endpoint);
    server = createServer({ key: readFileSync(ours.key), cert: readFileSync(ours.cert) }, (tls) => {
      const plain = connect(Number(upstream.port || 80), upstream.hostname);
      for (const s of [tls, plain]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {
          tls.destroy();
          plain.destroy();
        });
      }
      tls.pipe(plain).pipe(tls);
    });
    // A client that rejects our certificate ends the handshake: not a test failure.
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    scratch = await scratchBucket(target!);
  });

  afterAll(async () => {
    for (const b of open) await b.close();
    await scratch?.drop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const backend = (host: string, options: Partial<S3BackendOptions>) => {
    const b = new S3Backend({
      endpoint: `https://${host}:${port}`,
      region: target!.region,
      credentials: { accessKeyId: target!.accessKeyId, secretAccessKey: target!.secretAccessKey },
      bucketName: scratch.bucket,
      bucketPath: `tls-${runId()}`,
      retryAttempts: 0,
      ...options,
    });
    open.push(b);
    return b;
  };

  /** Written over TLS, read back over TLS and straight from the server: the TLS path reached the real store. */
  const roundTrip = async (b: S3Backend) => {
    const id = runId().padEnd(32, "0");
    const bytes = utf8(`{"event_id":"${id}","message":"over TLS"}`);
    await b.setBytes(id, bytes);
    expect(Buffer.from((await b.getBytes(id))!)).toEqual(Buffer.from(bytes));
    const direct = await scratch.client.send(
      new GetObjectCommand({ Bucket: scratch.bucket, Key: b.keyFor(id) }),
    );
    const raw = await direct.Body!.transformToByteArray();
    expect(Buffer.from(decodeBody(raw, direct.ContentEncoding))).toEqual(Buffer.from(bytes));
  };

  it("verifies certificates by default: a private CA is refused with a typed error that says what to set", async () => {
    const b = backend("127.0.0.1", {});
    const error = await b.setBytes("0".repeat(32), utf8("{}")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(
      /TLS verification failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    expect((error as Error).message).toContain("caBundlePath");
    expect((error as Error).message).not.toContain(target!.secretAccessKey);
  });

  it("trusts the CA given as caBundlePath (Python: ca_bundle_path)", async () => {
    await roundTrip(backend("127.0.0.1", { caBundlePath: ours.ca }));
  });

  it("trusts the CA given as PEM text (caBundle)", async () => {
    await roundTrip(backend("127.0.0.1", { caBundle: readFileSync(ours.ca, "utf8") }));
  });

  it("refuses a server whose certificate another CA signed, even with a CA bundle set", async () => {
    const b = backend("127.0.0.1", { caBundlePath: other.ca });
    await expect(b.setBytes("1".repeat(32), utf8("{}"))).rejects.toThrow(/TLS verification failed/);
  });

  it("checks the host name: a certificate for 127.0.0.1 does not pass as localhost", async () => {
    const b = backend("localhost", { caBundlePath: ours.ca });
    await expect(b.setBytes("2".repeat(32), utf8("{}"))).rejects.toThrow(
      /TLS verification failed \(ERR_TLS_CERT_ALTNAME_INVALID/,
    );
  });

  it.skipIf(!ref)(
    "the Python plugin reads over the same TLS with ca_bundle_path, and refuses without it",
    async () => {
      const b = backend("127.0.0.1", { caBundlePath: ours.ca });
      const id = runId().padEnd(32, "3");
      await b.setBytes(id, encodeNodeData({ event_id: id, message: "written here over TLS" }));
      const bucketPath = b.keyFor(id).slice(0, -id.length - 1);
      const tlsTarget = { ...target!, endpoint: `https://127.0.0.1:${port}` };
      const args = ["get", id, "--bucket-path", bucketPath, "--retry-attempts", "0"];
      expect(await ref!.s3(tlsTarget, scratch.bucket, [...args, "--s3-ca-bundle", ours.ca])).toEqual({
        event_id: id,
        message: "written here over TLS",
      });
      await expect(ref!.s3(tlsTarget, scratch.bucket, args)).rejects.toThrow(
        /SSL|certificate verify failed/i,
      );
    },
  );

  it("skipTlsVerify connects anyway (Python: skip_tls_verify)", async () => {
    await roundTrip(backend("127.0.0.1", { skipTlsVerify: true }));
  });
});
