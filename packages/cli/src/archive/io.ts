import type { Buffer } from "node:buffer";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createZstdCompress, createZstdDecompress } from "node:zlib";
import type { CliIo } from "../context.js";
import { CliError, EXIT } from "../exit-codes.js";
import {
  type ArchiveMeta,
  type ArchiveRecord,
  encodeEnd,
  encodeHeader,
  encodeRecords,
  parseArchive,
} from "./format.js";

/** Streams records into a zstd-compressed archive (a file, or stdout for "-"), with backpressure. */
export class ArchiveWriter {
  #count = 0;
  #bytes = 0;
  #failure: unknown;
  private constructor(
    private readonly zstd: ReturnType<typeof createZstdCompress>,
    private readonly done: Promise<void>,
  ) {
    done.catch((error: unknown) => {
      this.#failure ??= error;
    });
  }

  static open(
    file: string,
    io: CliIo,
    meta: ArchiveMeta,
    options: { readonly force?: boolean } = {},
  ): ArchiveWriter {
    const zstd = createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: 3 } });
    let done: Promise<void>;
    if (file === "-") {
      zstd.pipe(io.stdout as NodeJS.WritableStream, { end: false });
      done = once(zstd, "end").then(() => undefined);
    } else {
      const out = createWriteStream(resolve(io.cwd, file), {
        flags: options.force ? "w" : "wx",
        mode: 0o600,
      });
      done = pipeline(zstd, out).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST")
          throw new CliError(`${file} exists (use --force to overwrite)`, EXIT.usage);
        throw new CliError(`cannot write ${file}: ${error.message}`, EXIT.failure);
      });
    }
    const writer = new ArchiveWriter(zstd, done);
    writer.#write(encodeHeader(meta));
    return writer;
  }

  /** Nodes written so far, and their value bytes. */
  get count(): number {
    return this.#count;
  }
  get bytes(): number {
    return this.#bytes;
  }

  async write(records: readonly ArchiveRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#count += records.length;
    for (const r of records) this.#bytes += r.bytes.byteLength;
    if (!this.#write(encodeRecords(records))) {
      await Promise.race([once(this.zstd, "drain"), this.done]);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Writes the end record and waits until everything is flushed. */
  async finish(): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    this.zstd.end(encodeEnd(this.#count));
    await this.done;
  }

  /** Stops without an end record: the partial archive reads as truncated, never as complete. */
  async abort(): Promise<void> {
    this.zstd.destroy();
    await this.done.catch(() => {});
  }

  #write(chunk: Buffer): boolean {
    return this.zstd.write(chunk);
  }
}

/** The records of an archive file (or stdin for "-"), decompressed and parsed as they stream in. */
export function readArchiveFile(
  file: string,
  io: CliIo,
  onMeta?: (meta: ArchiveMeta) => void,
): AsyncGenerator<ArchiveRecord> {
  const input: Readable =
    file === "-"
      ? ((io as { stdin?: Readable }).stdin ?? process.stdin)
      : createReadStream(resolve(io.cwd, file));
  const zstd = createZstdDecompress();
  // Errors of either stream surface through the iteration below.
  pipeline(input, zstd).catch(() => {});
  return parseArchive(decompressed(zstd, file), onMeta);
}

async function* decompressed(zstd: AsyncIterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  try {
    yield* zstd;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "ENOENT") throw new CliError(`archive ${file} not found`, EXIT.usage);
    throw new CliError(
      `archive ${file}: ${String(e.message).split("\n", 1)[0]} (not a complete zstd-compressed nodestore archive?)`,
      EXIT.failure,
    );
  }
}
