import { BackendError } from "@nodestore/core";
import { reasonOf, type ServerError, type Where } from "./errors.js";
import { DAY_MS } from "./indices.js";
import type { ResolvedOpenSearchOptions } from "./options.js";
import { type Requester, seg, send } from "./transport.js";

interface SimulatedIndex {
  template?: {
    aliases?: Record<string, unknown>;
    mappings?: { properties?: Record<string, { store?: boolean; type?: string }> };
  };
}

/**
 * Which indices reads and deletes look in, and whether the day's write index is one of them.
 *
 * Reads see the alias's indices (fetched, then reused for `indexListTtlMs`) plus the names of yesterday, today
 * and tomorrow (UTC) under our pattern, so an index created since the list was fetched (midnight, or a Python
 * writer whose local day is ahead of UTC) is read too; a name that does not exist costs nothing.
 *
 * Before the first write to an index, `ensureWritable` makes sure it is in the alias (or that the template
 * will put it there), then creates it: writes never go to an index that reads through the alias cannot see.
 */
export class IndexCatalog {
  readonly #r: Requester;
  readonly #o: ResolvedOpenSearchOptions;
  #aliasIndices: { list: string[]; at: number } | undefined;
  readonly #writable = new Set<string>();

  constructor(requester: Requester, options: ResolvedOpenSearchOptions) {
    this.#r = requester;
    this.#o = options;
  }

  /** The indices the alias points to now (empty when the alias does not exist yet). */
  async aliasIndices(fresh = false, where: Where = {}): Promise<string[]> {
    const cached = this.#aliasIndices;
    if (!fresh && cached !== undefined && Date.now() - cached.at < this.#o.indexListTtlMs) return cached.list;
    const { statusCode, body } = await send<Record<string, unknown>>(
      this.#r,
      "list the alias's indices",
      where,
      { method: "GET", path: `/_alias/${seg(this.#o.alias)}` },
      { ignore: [404] },
    );
    const list = statusCode === 404 ? [] : Object.keys(body).sort();
    this.#aliasIndices = { list, at: Date.now() };
    return list;
  }

  /** Where a node may be: the alias's indices and our pattern's names for yesterday, today and tomorrow. */
  async readIndices(where: Where = {}): Promise<string[]> {
    const now = this.#o.now().getTime();
    const near = [-1, 0, 1].map((d) => this.#o.naming.nameFor(new Date(now + d * DAY_MS)));
    return [...new Set([...(await this.aliasIndices(false, where)), ...near])];
  }

  /** An index is gone (deleted by cleanup, or found missing by a read). */
  forget(indices: readonly string[]): void {
    for (const index of indices) this.#writable.delete(index);
    if (this.#aliasIndices !== undefined) {
      const gone = new Set(indices);
      this.#aliasIndices = {
        ...this.#aliasIndices,
        list: this.#aliasIndices.list.filter((i) => !gone.has(i)),
      };
    }
  }

  /**
   * Makes sure `index` is in the alias, creating it through the template when it does not exist. Fails, naming
   * the fix, when it exists outside the alias or when no template would put it there.
   */
  async ensureWritable(index: string, id?: string): Promise<void> {
    if (this.#writable.has(index)) return;
    const where = { id, index };
    if ((await this.aliasIndices(true, where)).includes(index)) {
      this.#writable.add(index);
      return;
    }
    const alias = this.#o.alias;
    const exists = await send(
      this.#r,
      "check the write index",
      { index },
      { method: "HEAD", path: `/${seg(index)}` },
      { ignore: [404] },
    );
    if (exists.statusCode === 200) {
      throw new BackendError(
        this.#r.backend,
        "write",
        `index ${index} exists but is not in alias "${alias}": reads through the alias would not see what is written there ` +
          `(it was created without the template, e.g. by a write after a failed bootstrap). Add it with POST /_aliases ` +
          `{"actions":[{"add":{"index":"${index}","alias":"${alias}"}}]} once its mapping stores "data", or delete it`,
      );
    }
    const { body } = await send<SimulatedIndex>(
      this.#r,
      "check the index template",
      { index },
      {
        method: "POST",
        path: `/_index_template/_simulate_index/${seg(index)}`,
      },
    );
    const aliases = Object.keys(body.template?.aliases ?? {});
    if (!aliases.includes(alias)) {
      throw new BackendError(
        this.#r.backend,
        "write",
        `no index template gives a new index ${index} the alias "${alias}" (${aliases.length === 0 ? "no alias" : `aliases: ${aliases.join(", ")}`}): ` +
          `writes would go to an index reads cannot see. Run bootstrap() (template "${this.#o.template}", index_patterns ` +
          `${JSON.stringify(this.#o.indexPattern)}), or fix the template that matches ${index}`,
      );
    }
    const data = body.template?.mappings?.properties?.data;
    if (data?.store !== true) {
      throw new BackendError(
        this.#r.backend,
        "write",
        `the index template that matches ${index} does not store the "data" field (mapping ${JSON.stringify(data ?? null)}): ` +
          "values written there could not be read back. Fix the template (see the README's mapping)",
      );
    }
    const created = await send<{ error?: ServerError }>(
      this.#r,
      "create the write index",
      where,
      { method: "PUT", path: `/${seg(index)}` },
      { ignore: [400] },
    );
    if (
      created.statusCode === 400 &&
      reasonOf(created.body.error).type !== "resource_already_exists_exception"
    ) {
      const { type, reason } = reasonOf(created.body.error);
      throw new BackendError(
        this.#r.backend,
        "create the write index",
        `HTTP 400 ${type ?? ""}: ${reason} (index ${index})`,
      );
    }
    if (!(await this.aliasIndices(true, where)).includes(index)) {
      throw new BackendError(
        this.#r.backend,
        "write",
        `index ${index} could not be created in alias "${alias}" (another writer may have created it without the template)`,
      );
    }
    this.#writable.add(index);
  }
}
