/**
 * The nodestore archive (`nodestore export` / `nodestore import`), documented byte by byte in the README:
 * a zstd stream whose decompressed content is
 *
 *   header:  "NSARCHIV" (8 bytes) | version u16be = 1 | metadata length u32be | metadata (UTF-8 JSON object)
 *   records: 0x01 | id length u16be | id (UTF-8) | has timestamp u8 (0/1) | [timestamp i64be ms since epoch]
 *                  | value length u32be | value (the node's decompressed bytes)
 *   end:     0xFF | number of 0x01 records u64be        (nothing may follow)
 *
 * A stream that ends before the end record is a truncated archive, never a short one.
 */
import { Buffer } from "node:buffer";
import { CliError, EXIT } from "../exit-codes.js";

export const MAGIC = Buffer.from("NSARCHIV", "latin1");
export const FORMAT_VERSION = 1;
export const RECORD_NODE = 0x01;
export const RECORD_END = 0xff;
const MAX_META = 1 << 20;

export interface ArchiveMeta {
  readonly createdAt?: string;
  readonly source?: string;
  readonly since?: string | null;
  readonly until?: string | null;
  readonly tool?: string;
  readonly [key: string]: unknown;
}

export interface ArchiveRecord {
  readonly id: string;
  readonly timestamp?: Date;
  readonly bytes: Uint8Array;
}

export function encodeHeader(meta: ArchiveMeta): Buffer {
  const json = Buffer.from(JSON.stringify(meta), "utf8");
  const head = Buffer.alloc(14);
  MAGIC.copy(head, 0);
  head.writeUInt16BE(FORMAT_VERSION, 8);
  head.writeUInt32BE(json.length, 10);
  return Buffer.concat([head, json]);
}

/** Records, framed into one buffer (one write per batch). */
export function encodeRecords(records: readonly ArchiveRecord[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of records) {
    const id = Buffer.from(r.id, "utf8");
    if (id.length > 0xffff) throw new CliError(`id too long for the archive: ${r.id.slice(0, 40)}…`);
    if (r.bytes.byteLength > 0xffffffff) throw new CliError(`node ${r.id} is too large for the archive`);
    const hasTs = r.timestamp !== undefined && Number.isFinite(r.timestamp.getTime());
    const head = Buffer.allocUnsafe(1 + 2 + id.length + 1 + (hasTs ? 8 : 0) + 4);
    let o = head.writeUInt8(RECORD_NODE, 0);
    o = head.writeUInt16BE(id.length, o);
    o += id.copy(head, o);
    o = head.writeUInt8(hasTs ? 1 : 0, o);
    if (hasTs) o = head.writeBigInt64BE(BigInt(r.timestamp!.getTime()), o);
    head.writeUInt32BE(r.bytes.byteLength, o);
    parts.push(head, Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength));
  }
  return Buffer.concat(parts);
}

export function encodeEnd(count: number): Buffer {
  const end = Buffer.alloc(9);
  end.writeUInt8(RECORD_END, 0);
  end.writeBigUInt64BE(BigInt(count), 1);
  return end;
}

const corrupt = (what: string) => new CliError(`archive: ${what}`, EXIT.failure);

/** Exact-size reads over a stream of chunks; concatenates only what one read needs. */
class ChunkReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  #done = false;
  constructor(readonly source: AsyncIterator<Buffer>) {}

  /** `n` bytes, or null at a clean end of stream (no byte of them available). */
  async read(n: number, what: string): Promise<Buffer | null> {
    if (n === 0) return Buffer.alloc(0);
    while (this.#buffered < n && !this.#done) {
      const next = await this.source.next();
      if (next.done) this.#done = true;
      else if (next.value.length > 0) {
        this.#chunks.push(next.value);
        this.#buffered += next.value.length;
      }
    }
    if (this.#buffered < n) {
      if (this.#buffered === 0) return null;
      throw corrupt(`truncated in the middle of ${what}`);
    }
    let out: Buffer;
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let o = 0;
      while (o < n) {
        const c = this.#chunks[0]!;
        const take = Math.min(c.length, n - o);
        c.copy(out, o, 0, take);
        o += take;
        if (take === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(take);
      }
    }
    this.#buffered -= n;
    return out;
  }

  async must(n: number, what: string): Promise<Buffer> {
    const b = await this.read(n, what);
    if (b === null) throw corrupt(`truncated before ${what}`);
    return b;
  }
}

/** Parses a decompressed archive stream: the metadata first, then the records. Throws on any damage. */
export async function* parseArchive(
  chunks: AsyncIterable<Buffer>,
  onMeta?: (meta: ArchiveMeta) => void,
): AsyncGenerator<ArchiveRecord> {
  const reader = new ChunkReader(chunks[Symbol.asyncIterator]());
  const head = await reader.read(14, "the header");
  if (head === null) throw corrupt("empty (no header)");
  if (!head.subarray(0, 8).equals(MAGIC)) throw corrupt("not a nodestore archive (bad magic)");
  const version = head.readUInt16BE(8);
  if (version !== FORMAT_VERSION)
    throw corrupt(`format version ${version} is not supported (this CLI reads ${FORMAT_VERSION})`);
  const metaLength = head.readUInt32BE(10);
  if (metaLength > MAX_META) throw corrupt(`metadata of ${metaLength} bytes is implausible`);
  let meta: ArchiveMeta;
  try {
    meta = JSON.parse((await reader.must(metaLength, "the metadata")).toString("utf8")) as ArchiveMeta;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw corrupt("metadata is not valid JSON");
  }
  onMeta?.(meta);
  let count = 0;
  for (;;) {
    const type = await reader.read(1, "a record");
    if (type === null) throw corrupt(`truncated: ${count} records and no end record`);
    if (type[0] === RECORD_END) {
      const expected = (await reader.must(8, "the end record")).readBigUInt64BE(0);
      if (expected !== BigInt(count)) throw corrupt(`end record says ${expected} records, read ${count}`);
      if ((await reader.read(1, "trailing data")) !== null) throw corrupt("data after the end record");
      return;
    }
    if (type[0] !== RECORD_NODE)
      throw corrupt(`unknown record type 0x${type[0]!.toString(16)} after ${count} records`);
    const idLength = (await reader.must(2, "a record id length")).readUInt16BE(0);
    const id = (await reader.must(idLength, "a record id")).toString("utf8");
    const hasTs = (await reader.must(1, "a record timestamp flag"))[0];
    let timestamp: Date | undefined;
    if (hasTs === 1)
      timestamp = new Date(Number((await reader.must(8, "a record timestamp")).readBigInt64BE(0)));
    else if (hasTs !== 0) throw corrupt(`bad timestamp flag ${hasTs} in record ${count + 1}`);
    const valueLength = (await reader.must(4, "a record value length")).readUInt32BE(0);
    // A copy, so the record does not pin the whole decompressed chunk it was cut from.
    const bytes = Buffer.from(await reader.must(valueLength, `the value of ${JSON.stringify(id)}`));
    count++;
    yield timestamp === undefined ? { id, bytes } : { id, timestamp, bytes };
  }
}
