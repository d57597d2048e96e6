// The shared fault section (@nodestore/conformance "faults") on every configured S3 server: network faults
// through Toxiproxy, objects damaged by a raw PutObject (zstd body, Content-Encoding header), ids that cannot
// be stored as their own key.
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
  type CorruptionCase,
  type FaultHooks,
  flipBit,
  runConformanceSuite,
  truncateBytes,
  zstdBomb,
  zstdMagicThenGarbage,
} from "@nodestore/conformance";
import { DEFAULT_MAX_VALUE_BYTES, NodeStore } from "@nodestore/core";
import { serviceEnv } from "@nodestore/services";
import { it } from "vitest";
import type { S3Backend, S3BackendOptions } from "../src/index.js";
import { backendFor, clientOptions, s3Targets, scratchBucket } from "./helpers.js";

const MiB = 1024 * 1024;

/** Objects rewritten next to the backend, with a plain SDK client. */
function corruptions(raw: () => { client: S3Client; bucket: string }): CorruptionCase[] {
  const keyOf = (store: NodeStore, id: string) => (store.backend as S3Backend).keyFor(id);
  const read = async (store: NodeStore, id: string) => {
    const { client, bucket } = raw();
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(store, id) }));
    if (got.ContentEncoding !== "zstd") {
      throw new Error(`the node ${id} was not stored as zstd (Content-Encoding ${got.ContentEncoding})`);
    }
    return got.Body ? await got.Body.transformToByteArray() : new Uint8Array(0);
  };
  const write = async (store: NodeStore, id: string, body: Uint8Array, encoding?: string) => {
    const { client, bucket } = raw();
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: keyOf(store, id),
        Body: body,
        ...(encoding === undefined ? {} : { ContentEncoding: encoding }),
      }),
    );
  };
  const bomb = (store: NodeStore) => (store.backend.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES) + MiB;
  return [
    {
      name: 'zstd with a flipped bit ("hello" becomes "hallo")',
      expect: "zstd",
      corrupt: async (id, store) =>
        write(store, id, flipBit(await read(store, id), { near: "hello" }), "zstd"),
    },
    {
      name: "zstd cut in half",
      expect: "zstd",
      corrupt: async (id, store) => write(store, id, truncateBytes(await read(store, id)), "zstd"),
    },
    {
      name: "the zstd magic number, then garbage",
      expect: "zstd",
      corrupt: (id, store) => write(store, id, zstdMagicThenGarbage(), "zstd"),
    },
    {
      name: "an empty body flagged zstd",
      expect: "missing",
      corrupt: (id, store) => write(store, id, new Uint8Array(0), "zstd"),
    },
    {
      name: "a zstd bomb (1 MiB past maxValueBytes, size in the frame header)",
      expect: "zstd",
      corrupt: (id, store) => write(store, id, zstdBomb(bomb(store)), "zstd"),
    },
    {
      name: "a zstd bomb (1 MiB past maxValueBytes, size not in the frame header)",
      expect: "zstd",
      corrupt: (id, store) => write(store, id, zstdBomb(bomb(store), { declareSize: false }), "zstd"),
    },
    {
      name: "a zstd body without its Content-Encoding",
      expect: "json",
      corrupt: async (id, store) => write(store, id, await read(store, id)),
    },
    {
      name: "a zstd body under a wrong Content-Encoding (br)",
      expect: "json",
      corrupt: async (id, store) => write(store, id, await read(store, id), "br"),
    },
  ];
}

/** Layout of the fault runs: the self-hosted one (prefix "nodestore", zstd), with cleanup by listing. */
const layout: Partial<S3BackendOptions> = { listingCleanup: true };

const toxiproxyUrl = serviceEnv("NODESTORE_TOXIPROXY_URL");
const targets = s3Targets();
if (targets.length === 0) it.skip("no S3 server is configured", () => {});
for (const target of targets) {
  let scratch: Awaited<ReturnType<typeof scratchBucket>> | undefined;
  const raw = () => {
    if (!scratch) throw new Error("no scratch bucket yet");
    return { client: scratch.client, bucket: scratch.bucket };
  };
  const endpoint = new URL(target.endpoint);
  const faults: FaultHooks = {
    transport:
      toxiproxyUrl === undefined
        ? undefined
        : {
            toxiproxyUrl,
            upstream: {
              host: endpoint.hostname,
              port: Number(endpoint.port || (endpoint.protocol === "https:" ? 443 : 80)),
            },
            createStoreVia: (address, bounds) =>
              new NodeStore(
                backendFor(target, {
                  ...clientOptions(target),
                  endpoint: `${endpoint.protocol}//${address.host}:${address.port}`,
                  bucketName: raw().bucket,
                  ...layout,
                  connectTimeoutMs: bounds.connectTimeoutMs,
                  requestTimeoutMs: bounds.requestTimeoutMs,
                  retryAttempts: bounds.retryAttempts,
                }),
              ),
          },
    corruptions: corruptions(raw),
    // Keys that would nest under another id's key or leave the prefix (file-backed servers turn "/" into
    // folders), control characters, keys over 1024 bytes.
    unstorableIds: ["dd/q", "dd", "a//b", "x/../y", "tab\tid", "k".repeat(1100)],
    // s3rver truncates an object's file, then streams the body into it (see S3rverSafeBackend).
    writesInPlace: target.label === "s3rver",
  };
  runConformanceSuite({
    name: `s3 on ${target.label}`,
    sections: ["faults"],
    faults,
    createStore: async () => {
      scratch = await scratchBucket(target);
      return new NodeStore(
        backendFor(target, { ...clientOptions(target), bucketName: scratch.bucket, ...layout }),
      );
    },
    destroyStore: async (store) => {
      await store.close();
      await scratch?.drop();
    },
  });
}
