/**
 * Object keys, exactly as getsentry/sentry-nodestore-s3 builds them:
 * `[bucketPath + "/"] + (sharding ? id[0:2] "/" id[2:6] "/" id[6:] (empty parts dropped) : id)`.
 */

export interface KeyLayout {
  /** Key prefix without a trailing slash; null = keys are the bare ids (the Python plugin's `bucket_path=None`). */
  readonly bucketPath: string | null;
  /** Write, read and delete the sharded key (`ab/cdef/0123…`). */
  readonly sharding: boolean;
  /** With sharding: on a sharded miss also read the flat key, and delete both. */
  readonly shardingFallback: boolean;
}

/** Python slicing counts code points, not UTF-16 units. */
export function shardedId(id: string): string {
  const cp = Array.from(id);
  return [cp.slice(0, 2), cp.slice(2, 6), cp.slice(6)]
    .map((part) => part.join(""))
    .filter((part) => part.length > 0)
    .join("/");
}

export function withPrefix(bucketPath: string | null, name: string): string {
  return bucketPath === null ? name : `${bucketPath}/${name}`;
}

/** The key a node is written to. */
export function primaryKey(layout: KeyLayout, id: string): string {
  return withPrefix(layout.bucketPath, layout.sharding ? shardedId(id) : id);
}

/** Every key a node may live under, in read order: sharded then flat (with the fallback), else just one. */
export function keysFor(layout: KeyLayout, id: string): string[] {
  const first = primaryKey(layout, id);
  if (!layout.sharding || !layout.shardingFallback) return [first];
  const flat = withPrefix(layout.bucketPath, id);
  return flat === first ? [first] : [first, flat];
}

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

// C0 controls and DEL: S3 accepts some of them in a PUT path, but XML 1.0 (ListObjects, DeleteObjects) cannot
// carry most, and file-backed servers (SeaweedFS, MinIO) refuse or mangle them.
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Sentry's legacy NodeField ids: `b64encode(uuid4().bytes)`, 22 characters of standard base64, then `==`. */
export const LEGACY_ID = /^[A-Za-z0-9+/]{22}==$/;
/** Slash-free ids that could be a folder of a legacy id's key (the part before one of its "/"). */
const LEGACY_FOLDER = /^[A-Za-z0-9+]{1,21}$/;
/** Slash-free ids whose sharded key `ab/cdef/…` has the legacy shape, so is the flat key of a legacy id. */
const LEGACY_SHAPED_SHARD = /^[A-Za-z0-9+]{20}==$/;

/**
 * Why an id cannot be stored as its own object under this layout, or undefined (the README's "Keys" explains
 * each rule). File-backed servers (SeaweedFS, MinIO) map "/" to directories: a key cannot be both an object
 * and the folder of another (SeaweedFS then writes `x` to `x/x`, or answers 409), and they normalise `.`,
 * `..` and `//`. So:
 * - "/" only inside a legacy base64 id (the only Sentry id that has one);
 * - no empty, `.` or `..` path segment in the key;
 * - no slash-free id that is, or shards to, a folder of another id's key under either layout (flat or
 *   sharded: a bucket may hold both during the sharding migration). The folders are the sharded keys'
 *   `ab` and `ab/cdef`, and the parts of a legacy id's key before its "/"s. That is, whatever the layout:
 *   ids of exactly 2 or 6 code points, and ids of 1 to 21 characters all in `[A-Za-z0-9+]`;
 * - no slash-free id whose sharded key is shaped like a legacy id (20 of those characters, then `==`);
 * - at most 1024 UTF-8 bytes of key.
 * Every id shape Sentry writes passes (32-hex md5, `i-o:`, `e-g-f:`, `s:`, `bundle_index:`, legacy base64).
 */
export function keyProblem(layout: KeyLayout, id: string): string | undefined {
  if (id.length === 0) return "a node id cannot be empty";
  if (CONTROL.test(id)) return "control characters cannot be part of an S3 object key";
  if (LONE_SURROGATE.test(id)) return "it is not valid Unicode (lone surrogate), so it has no UTF-8 S3 key";
  const slash = id.includes("/");
  if (slash && !LEGACY_ID.test(id)) {
    return (
      '"/" is only allowed in a legacy base64 node id (24 characters ending in "=="): file-backed S3 servers ' +
      "make the part before it a folder, so the object could land under another key"
    );
  }
  for (const key of keysFor(layout, id)) {
    const name = layout.bucketPath === null ? key : key.slice(layout.bucketPath.length + 1);
    for (const segment of name.split("/")) {
      if (segment === "") {
        return `its object key ${JSON.stringify(key)} would have an empty path segment (a leading, trailing or doubled "/")`;
      }
      if (segment === "." || segment === "..") {
        return `its object key ${JSON.stringify(key)} would have a "${segment}" path segment, which S3-compatible servers resolve out of the key prefix`;
      }
    }
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes > MAX_KEY_BYTES)
      return `its object key would be ${bytes} bytes, over S3's ${MAX_KEY_BYTES}-byte limit`;
  }
  return slash ? undefined : folderProblem(id);
}

/** Why a slash-free id could name a folder of another node's key (under either layout), or undefined. */
function folderProblem(id: string): string | undefined {
  const codePoints = [...id].length;
  const why = "file-backed S3 servers (SeaweedFS) cannot keep an object and a folder of the same name";
  if (codePoints === 2) {
    return `an id of 2 characters is the folder of every sharded key starting with it ("${id}/…"); ${why}`;
  }
  if (codePoints === 6) {
    return `an id of 6 characters shards to the folder of every longer id starting with it ("${shardedId(id)}/…"); ${why}`;
  }
  if (LEGACY_FOLDER.test(id)) {
    return `an id of at most 21 base64 characters can be the folder of a legacy base64 id's key ("${id}/…"); ${why}`;
  }
  if (LEGACY_SHAPED_SHARD.test(id)) {
    return `its sharded key "${shardedId(id)}" would be the flat key of a legacy base64 id`;
  }
  return undefined;
}

/** Checks `bucketPath` once, at construction. */
export function checkBucketPath(bucketPath: string | null): string | null {
  if (bucketPath === null) return null;
  if (typeof bucketPath !== "string")
    throw new TypeError("bucketPath must be a string, or null for no prefix");
  if (bucketPath === "") {
    throw new TypeError(
      'bucketPath "" would make keys start with "/" (the Python plugin does that); use null for no prefix',
    );
  }
  if (bucketPath.startsWith("/") || bucketPath.endsWith("/")) {
    throw new TypeError(`bucketPath ${JSON.stringify(bucketPath)} must not start or end with "/"`);
  }
  if (CONTROL.test(bucketPath) || bucketPath.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new TypeError(`bucketPath ${JSON.stringify(bucketPath)} has an empty, "." or ".." segment`);
  }
  return bucketPath;
}

/** The id whose sharded key name (without the prefix) is `name`, or undefined when `name` is not one. */
function unshardedId(name: string): string | undefined {
  const cp = Array.from(name);
  let id: string;
  if (cp.length <= 2) id = name;
  else if (cp[2] !== "/") return undefined;
  else if (cp.length <= 7) id = cp.slice(0, 2).join("") + cp.slice(3).join("");
  else if (cp[7] !== "/") return undefined;
  else id = cp.slice(0, 2).join("") + cp.slice(3, 7).join("") + cp.slice(8).join("");
  return shardedId(id) === name ? id : undefined;
}

/** What a listed key is: the node it holds, or why it is not a node key of this layout. */
export type KeyMatch = { readonly id: string } | { readonly reason: string };

/**
 * The inverse of `keysFor`: the id stored under `key`, if `key` is one of the keys this layout reads for an id
 * it accepts (`keyProblem`). With sharding and the fallback, a key is tried as sharded first, then flat; the
 * id rules make at most one of them an id (a flat legacy id's key never unshards to an accepted id: see
 * `LEGACY_SHAPED_SHARD`). Anything else under the prefix (another tool's files, the other layout's keys, ids
 * this layout cannot store) is not a node key, with the reason.
 */
export function idForKey(layout: KeyLayout, key: string): KeyMatch {
  const prefix = layout.bucketPath === null ? "" : `${layout.bucketPath}/`;
  if (!key.startsWith(prefix)) return { reason: `it is not under the prefix "${prefix}"` };
  const name = key.slice(prefix.length);
  const sharded = unshardedId(name);
  if (layout.sharding && holds(layout, key, sharded)) return { id: sharded };
  if ((!layout.sharding || layout.shardingFallback) && holds(layout, key, name)) return { id: name };
  // Name the likely mistake: the other layout's key.
  if (!layout.sharding && holds({ ...layout, sharding: true }, key, sharded)) {
    return { reason: "it is a sharded key (ab/cdef/…) and objectSharding is off" };
  }
  if (layout.sharding && !layout.shardingFallback && holds({ ...layout, sharding: false }, key, name)) {
    return { reason: "it is a flat key and objectShardingFallback is off" };
  }
  return { reason: "it is not the key of a node id this layout stores" };
}

/** Whether `key` is where `layout` stores (or falls back to) the accepted id `id`. */
function holds(layout: KeyLayout, key: string, id: string | undefined): id is string {
  return id !== undefined && keyProblem(layout, id) === undefined && keysFor(layout, id).includes(key);
}
