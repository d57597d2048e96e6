import { BackendError, NodestoreError } from "@nodestore/core";
import type { ResolvedOpenSearchOptions } from "./options.js";
import { type Requester, seg, send } from "./transport.js";

/** The `data` mapping we create: stored, not indexed, no doc values; the index keeps the zlib bytes, not base64. */
export const DATA_MAPPING = { type: "binary", store: true } as const;
export const TIMESTAMP_MAPPING = { type: "date", store: true } as const;

export interface IndexTemplateBody {
  index_patterns: string[];
  template: {
    settings: { index: { codec: string; number_of_shards: number; number_of_replicas: number } };
    mappings: {
      _source: { enabled: boolean };
      dynamic: boolean;
      properties: Record<string, Record<string, unknown>>;
    };
    aliases: Record<string, Record<string, never>>;
  };
  _meta: Record<string, string>;
}

/** The composable template `bootstrap()` creates. */
export function templateBody(o: ResolvedOpenSearchOptions, codec: string): IndexTemplateBody {
  return {
    index_patterns: [o.indexPattern],
    template: {
      settings: { index: { codec, number_of_shards: o.shards, number_of_replicas: o.replicas } },
      mappings: {
        _source: { enabled: false },
        dynamic: false,
        properties: { data: { ...DATA_MAPPING }, timestamp: { ...TIMESTAMP_MAPPING } },
      },
      aliases: { [o.alias]: {} },
    },
    _meta: { created_by: "@nodestore/opensearch" },
  };
}

export interface TemplateDifference {
  /** `fatal`: reads or writes fail with it; `large-nodes`: nodes over ~24 kB compressed fail; `info`: harmless. */
  readonly severity: "fatal" | "large-nodes" | "info";
  readonly what: string;
}

export interface TemplateReport {
  /** What bootstrap did with the template. */
  readonly action: "created" | "kept" | "replaced";
  /** The codec of the template now in place (undefined when the existing template sets none). */
  readonly codec: string | undefined;
  /** How the template in place differs from the one we would create. Empty when it is ours. */
  readonly differences: readonly TemplateDifference[];
}

interface ExistingTemplate {
  index_patterns?: string[];
  template?: {
    settings?: { index?: Record<string, unknown> };
    mappings?: {
      _source?: { enabled?: boolean };
      properties?: Record<string, Record<string, unknown>>;
    };
    aliases?: Record<string, unknown>;
  };
}

const glob = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

/** How `existing` differs from `wanted`, by consequence. */
export function compareTemplate(
  existing: ExistingTemplate,
  wanted: IndexTemplateBody,
  sampleIndex: string,
  alias: string,
): TemplateDifference[] {
  const out: TemplateDifference[] = [];
  const patterns = existing.index_patterns ?? [];
  if (!patterns.some((p) => glob(p).test(sampleIndex))) {
    out.push({
      severity: "fatal",
      what: `index_patterns ${JSON.stringify(patterns)} do not match the daily indices (${sampleIndex})`,
    });
  }
  if (!Object.hasOwn(existing.template?.aliases ?? {}, alias)) {
    out.push({
      severity: "fatal",
      what: `no alias "${alias}": new daily indices would be invisible to reads`,
    });
  }
  const props = existing.template?.mappings?.properties ?? {};
  const data = props.data;
  if (data?.store !== true) {
    out.push({
      severity: "fatal",
      what: `"data" is not stored (${JSON.stringify(data ?? null)}): values cannot be read back`,
    });
  } else if (data.type === "keyword" && data.doc_values !== false) {
    out.push({
      severity: "large-nodes",
      what: '"data" is a keyword with doc values (sentry-opensearch-nodestore 1.1.x): nodes whose base64 is over 32 766 bytes are refused ("DocValuesField is too large")',
    });
  } else if (data.type !== DATA_MAPPING.type) {
    out.push({
      severity: "info",
      what: `"data" is a stored ${String(data.type)} (we create a stored binary: 25 % smaller on disk)`,
    });
  }
  if (props.timestamp?.type !== "date") {
    out.push({
      severity: "info",
      what: `"timestamp" is not a date (${JSON.stringify(props.timestamp ?? null)}): cleanupPrecision "exact" cannot use it`,
    });
  } else if (props.timestamp.store !== true) {
    out.push({
      severity: "info",
      what: '"timestamp" is not stored: copies of a node in indices of the same day are ordered by index name',
    });
  }
  if (existing.template?.mappings?._source?.enabled !== false) {
    out.push({ severity: "info", what: "_source is enabled: every value is stored twice" });
  }
  const settings = existing.template?.settings?.index ?? {};
  const w = wanted.template.settings.index;
  for (const [key, value] of [
    ["codec", w.codec],
    ["number_of_shards", w.number_of_shards],
    ["number_of_replicas", w.number_of_replicas],
  ] as const) {
    if (settings[key] !== undefined && String(settings[key]) !== String(value)) {
      out.push({ severity: "info", what: `${key} is ${String(settings[key])}, not ${value}` });
    }
  }
  return out;
}

const CODEC_ERROR = /unknown value for \[index\.codec\].*?(\[[^\]]*\])/;

/**
 * Creates the template when it does not exist (never changing an existing one unless `overwriteTemplate`), and
 * reports how an existing one differs. With no codec chosen, uses zstd when the cluster has it, else
 * best_compression; a chosen codec the cluster lacks fails with the codecs it has.
 */
export async function ensureTemplate(r: Requester, o: ResolvedOpenSearchOptions): Promise<TemplateReport> {
  const name = o.template;
  const sample = o.naming.nameFor(o.now());
  const current = await send<{ index_templates?: Array<{ name: string; index_template: ExistingTemplate }> }>(
    r,
    "read the index template",
    {},
    { method: "GET", path: `/_index_template/${seg(name)}` },
    { maintenance: true, ignore: [404] },
  );
  const existing =
    current.statusCode === 404 ? undefined : current.body.index_templates?.find((t) => t.name === name);
  if (existing !== undefined) {
    const codec = existing.index_template.template?.settings?.index?.codec as string | undefined;
    const differences = compareTemplate(
      existing.index_template,
      templateBody(o, codec ?? o.codec ?? "zstd"),
      sample,
      o.alias,
    );
    if (differences.length === 0 || !o.overwriteTemplate) return { action: "kept", codec, differences };
  }
  const put = async (codec: string) =>
    send(
      r,
      "create the index template",
      {},
      {
        method: "PUT",
        path: `/_index_template/${seg(name)}`,
        querystring: { create: existing === undefined },
        body: templateBody(o, codec),
      },
      { maintenance: true },
    );
  const action = existing === undefined ? "created" : "replaced";
  const first = o.codec ?? "zstd";
  try {
    await put(first);
    return { action, codec: first, differences: [] };
  } catch (error) {
    const codecs = error instanceof NodestoreError ? CODEC_ERROR.exec(error.message)?.[1] : undefined;
    if (codecs === undefined) throw error;
    if (o.codec !== undefined) {
      throw new BackendError(
        r.backend,
        "create the index template",
        `the cluster has no codec "${o.codec}" (it has ${codecs}): set \`codec\` / SENTRY_NODESTORE_OPENSEARCH_INDEX_CODEC ` +
          "to one of them, or install the plugin that provides it (zstd: opensearch-custom-codecs)",
        { cause: error },
      );
    }
    await put("best_compression");
    o.warn(`the cluster has no zstd codec (it has ${codecs}): template "${name}" uses best_compression`);
    return { action, codec: "best_compression", differences: [] };
  }
}
