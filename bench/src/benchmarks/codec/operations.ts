import { compression, decodeNodeData, encodeNodeData, parseNodeData } from "@nodestore/core";
import type { Prepared } from "./corpus.js";

export type Impl = "ours" | "json";

/** One row of the report. `bytes` says which logical bytes the MB/s figure counts. */
export type Operation = {
  id: string;
  label: string;
  bytes: "total" | "main";
  /** the Python operation timed against it (bench/python/codec_bench.py) */
  python?: string;
  /** minimum ours/Python speed ratio we aim for */
  target?: number;
  run: Partial<Record<Impl, () => void>>;
};

// Results are written here so that no call can be optimised away.
export let sink: unknown;

export function operations(c: Prepared): Operation[] {
  return [...jsonOperations(c), ...compressionOperations(c), ...djangoOperations(c)];
}

/** The codec proper, beside JSON.* on the same data. */
function jsonOperations(c: Prepared): Operation[] {
  const { events, encoded, mainText, allText } = c;
  const n = c.events.length;
  return [
    {
      id: "encode",
      label: "encode (main + subkeys)",
      bytes: "total",
      python: "encode",
      target: 2,
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = encodeNodeData(events[i]!.main, events[i]!.subkeys);
        },
        json: () => {
          for (let i = 0; i < n; i++) {
            const e = events[i]!;
            let s = JSON.stringify(e.main);
            for (const [k, v] of e.subkeys) s += `\n${k}\n${JSON.stringify(v)}`;
            sink = s;
          }
        },
      },
    },
    {
      id: "decode",
      label: "decode (main)",
      bytes: "main",
      python: "decode",
      target: 2.5,
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = decodeNodeData(encoded[i]!);
        },
        json: () => {
          for (let i = 0; i < n; i++) sink = JSON.parse(mainText[i]!);
        },
      },
    },
    {
      id: "lossless",
      label: "lossless decode (all)",
      bytes: "total",
      python: "decode_all",
      target: 1.5,
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = parseNodeData(encoded[i]!, { lossless: true });
        },
        json: () => {
          for (let i = 0; i < n; i++) {
            const lines = allText[i]!;
            for (let j = 0; j < lines.length; j++) sink = JSON.parse(lines[j]!);
          }
        },
      },
    },
  ];
}

/** The compression layers alone, on the encoded bytes. */
function compressionOperations(c: Prepared): Operation[] {
  const { encoded, zlib, django, zstd } = c;
  const n = c.events.length;
  return [
    {
      id: "zlib_compress",
      label: "zlib compress",
      bytes: "total",
      python: "zlib_compress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = compression.zlib.compress(encoded[i]!);
        },
      },
    },
    {
      id: "zlib_decompress",
      label: "zlib decompress",
      bytes: "total",
      python: "zlib_decompress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = compression.zlib.decompress(zlib[i]!);
        },
      },
    },
    {
      id: "django_compress",
      label: "base64(zlib) (Django data)",
      bytes: "total",
      python: "django_compress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++)
            sink = compression.base64.encode(compression.zlib.compress(encoded[i]!));
        },
      },
    },
    {
      id: "django_decompress",
      label: "unbase64 + inflate (Django)",
      bytes: "total",
      python: "django_decompress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++)
            sink = compression.zlib.decompress(compression.base64.decode(django[i]!));
        },
      },
    },
    {
      id: "zstd_compress",
      label: "zstd compress (level 3)",
      bytes: "total",
      python: "zstd_compress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = compression.zstd.compress(encoded[i]!);
        },
      },
    },
    {
      id: "zstd_decompress",
      label: "zstd decompress",
      bytes: "total",
      python: "zstd_decompress",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) sink = compression.zstd.decompress(zstd[i]!);
        },
      },
    },
  ];
}

/** The Django backend's whole write and read path: codec and compression together. */
function djangoOperations(c: Prepared): Operation[] {
  const { events, django } = c;
  const n = c.events.length;
  return [
    {
      id: "django_write",
      label: "Django write: encode+zlib+b64",
      bytes: "total",
      python: "django_write",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++) {
            const e = events[i]!;
            sink = compression.base64.encode(compression.zlib.compress(encodeNodeData(e.main, e.subkeys)));
          }
        },
      },
    },
    {
      id: "django_read",
      label: "Django read: b64+inflate+decode",
      bytes: "total",
      python: "django_read",
      run: {
        ours: () => {
          for (let i = 0; i < n; i++)
            sink = decodeNodeData(compression.zlib.decompress(compression.base64.decode(django[i]!)));
        },
      },
    },
  ];
}
