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

/**
 * Why an id cannot be stored under this layout, or undefined. Refuses ids that would leave the prefix or
 * collide on file-backed servers (SeaweedFS, MinIO map `/` to directories and normalise `.`, `..` and `//`).
 */
export function keyProblem(layout: KeyLayout, id: string): string | undefined {
  if (id.length === 0) return "a node id cannot be empty";
  if (CONTROL.test(id)) return "control characters cannot be part of an S3 object key";
  if (LONE_SURROGATE.test(id)) return "it is not valid Unicode (lone surrogate), so it has no UTF-8 S3 key";
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
