// s3rver 3.7.1 answers a PUT once the body has gone through its md5 Transform, not once the object's file is
// written (lib/stores/filesystem.js: putObject resolves on the Transform's 'finish'; the file stream may still
// hold the last chunks). A GET right after the PUT can then read an empty or partial object: CI saw a node
// read back empty just after its PUT was answered. S3 is strongly read-after-write consistent, so our stand-in
// must be: this putObject resolves only when the file stream has finished.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

const PATCHED = Symbol.for("nodestore.s3rver.durablePut");

/** s3rver's FilesystemStore class (the one its server instantiates: same resolved module). */
export function filesystemStoreClass() {
  return createRequire(import.meta.url)("s3rver/lib/stores/filesystem.js");
}

/** FilesystemStore#putObject that answers after the object's bytes are in its file. */
async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, "object");
  await mkdir(dirname(objectPath), { recursive: true });
  const md5 = createHash("md5");
  let size = 0;
  const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
  const measure = new Transform({
    transform(chunk, _encoding, callback) {
      md5.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(body, measure, createWriteStream(objectPath));
  const digest = md5.digest("hex");
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
}
putObject[PATCHED] = true;

/** Replaces s3rver's putObject for every FilesystemStore in this process. Idempotent. */
export function useDurablePuts(FilesystemStore = filesystemStoreClass()) {
  if (!FilesystemStore.prototype.putObject[PATCHED]) FilesystemStore.prototype.putObject = putObject;
  return FilesystemStore;
}
