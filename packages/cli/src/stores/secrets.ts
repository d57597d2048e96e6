import type { StoreEnv } from "@nodestore/core";

/**
 * Secrets the CLI has seen (URL passwords, secret-looking URL parameters and config options, the credential
 * variables the backends read), so that no line it prints about a failure can quote one, whatever a library's
 * error message says. Labels are built with core's `redactUrl`; this is the safety net behind them.
 */
export class SecretSet {
  readonly #values = new Set<string>();

  /** Shorter values are too likely to be ordinary words ("a", "pg") to be replaced everywhere. */
  static readonly MIN_LENGTH = 3;

  add(value: unknown): void {
    if (typeof value !== "string" || value.length < SecretSet.MIN_LENGTH) return;
    this.#values.add(value);
    for (const form of [safeDecode(value), encodeURIComponent(value)]) {
      if (form !== undefined && form.length >= SecretSet.MIN_LENGTH) this.#values.add(form);
    }
  }

  /** The password and secret-looking query parameters of a URL (the text need not parse). */
  addUrl(text: string): void {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      // Not a URL: take what sits between "user:" and "@" anyway.
      const match = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]*)@/i.exec(text);
      if (match) this.add(match[1]);
      return;
    }
    if (url.password) this.add(url.password);
    for (const [key, value] of url.searchParams) if (SECRET_KEY.test(key)) this.add(value);
  }

  /** String values under secret-looking keys, at any depth (config-file `options`). */
  addOptions(options: unknown, depth = 0): void {
    if (options === null || typeof options !== "object" || depth > 8) return;
    for (const [key, value] of Object.entries(options)) {
      if (typeof value === "string" && SECRET_KEY.test(key)) this.add(value);
      else if (typeof value === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) this.addUrl(value);
      else this.addOptions(value, depth + 1);
    }
  }

  addEnv(env: StoreEnv): void {
    for (const name of SECRET_ENV) this.add(env[name]);
  }

  /** `text` with every known secret replaced by `***`, longest first. */
  scrub(text: string): string {
    if (this.#values.size === 0) return text;
    let out = text;
    for (const secret of [...this.#values].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join("***");
    }
    return out;
  }
}

/** Keys whose values are secrets: `password`, `accessKeySecret`, `secretAccessKey`, `sessionToken`, `stsToken`… */
const SECRET_KEY = /secret|password|passwd|token|credential|signature|private/i;

/** The credential variables each backend's ecosystem reads (README: URL forms). */
const SECRET_ENV = [
  "PGPASSWORD",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "OPENSEARCH_PASSWORD",
  "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
  "ALIBABA_CLOUD_SECURITY_TOKEN",
  "OTS_SK_ENV",
];

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
