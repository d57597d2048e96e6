// TLS as operators configure it for a secured cluster (the security plugin's HTTPS): OpenSearch 2.19 behind a TLS
// terminator with a certificate from a CA made for this run (openssl). Verification is on by default; a private
// CA is trusted only when given; the host name is checked.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type Server } from "node:tls";
import { BackendError, BackendUnavailableError, NodeStore } from "@nodestore/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OpenSearchBackendOptions } from "../src/index.js";
import { openSearchTargets, type Scratch, scratch } from "./helpers.js";

const target = openSearchTargets()[0];

/** A CA and a server certificate it signed for IP 127.0.0.1 (no DNS name: "localhost" must not match). */
function makeCerts(dir: string, name: string): { ca: string; key: string; cert: string } {
  const at = (f: string) => join(dir, `${name}-${f}`);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${name} test CA`],
    ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ...["-keyout", at("ca.key"), "-out", at("ca.pem")],
  );
  openssl(
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", at("server.key"), "-out", at("server.csr")],
  );
  writeFileSync(
    at("ext.cnf"),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    ...[
      "x509",
      "-req",
      "-in",
      at("server.csr"),
      "-CA",
      at("ca.pem"),
      "-CAkey",
      at("ca.key"),
      "-CAcreateserial",
    ],
    ...["-days", "2", "-extfile", at("ext.cnf"), "-out", at("server.pem")],
  );
  return { ca: at("ca.pem"), key: at("server.key"), cert: at("server.pem") };
}

describe.skipIf(!target)("TLS to a real OpenSearch (behind a TLS terminator)", () => {
  let dir: string;
  let ours: { ca: string; key: string; cert: string };
  let other: { ca: string; key: string; cert: string };
  let server: Server;
  const sockets = new Set<Socket>();
  let port: number;
  let space: Scratch;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "nodestore-os-tls-"));
    ours = makeCerts(dir, "ours");
    other = makeCerts(dir, "other");
    const upstream = new URL(target!.url);
    server = createServer({ key: readFileSync(ours.key), cert: readFileSync(ours.cert) }, (tls) => {
      const plain = connect(Number(upstream.port || 9200), upstream.hostname);
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
    server.on("tlsClientError", () => {}); // a client refusing our certificate: not a test failure
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    space = scratch(target!);
    await space.backend().bootstrap();
  });

  afterAll(async () => {
    await space?.drop();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const store = (host: string, options: Partial<OpenSearchBackendOptions>) =>
    new NodeStore(
      space.backend({
        node: `https://${host}:${port}`,
        auth: { username: "sentry", password: "tls-test-password" },
        maxRetries: 0,
        requestTimeoutMs: 10_000,
        ...options,
      }),
    );

  const roundTrip = async (s: NodeStore) => {
    const id = `tls${Date.now()}${Math.random().toString(16).slice(2)}`.slice(0, 32);
    await s.set(id, { over: "TLS" });
    expect(await s.get(id)).toEqual({ over: "TLS" });
    // Straight from the cluster: the TLS path reached the real store.
    expect(await new NodeStore(space.backend()).get(id)).toEqual({ over: "TLS" });
  };

  it("verifies certificates by default: a private CA is refused with a typed error that says what to set", async () => {
    const error = await store("127.0.0.1", {})
      .get("0".repeat(32))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).not.toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(
      /TLS verification failed \(.*(certificate|self-signed).*caBundlePath/,
    );
    expect((error as Error).message).not.toContain("tls-test-password");
  });

  it("trusts the CA given as caBundlePath, or as PEM text (caBundle)", async () => {
    await roundTrip(store("127.0.0.1", { caBundlePath: ours.ca }));
    await roundTrip(store("127.0.0.1", { caBundle: readFileSync(ours.ca, "utf8") }));
  });

  it("refuses a certificate another CA signed, and a host name the certificate does not name", async () => {
    await expect(store("127.0.0.1", { caBundlePath: other.ca }).get("1".repeat(32))).rejects.toThrow(
      /TLS verification failed/,
    );
    await expect(store("localhost", { caBundlePath: ours.ca }).get("2".repeat(32))).rejects.toThrow(
      /TLS verification failed \(.*(altnames|does not match)/i,
    );
  });

  it("skipTlsVerify connects anyway", async () => {
    await roundTrip(store("127.0.0.1", { skipTlsVerify: true }));
  });
});
