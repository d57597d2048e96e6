import { InvalidArgumentError } from "@nodestore/core";

const FORM = "expected postgres://user:password@host:port/database";

/**
 * Fails at construction on a connection string `pg` would misread (it resolves anything that is not a URL
 * against a dummy host, so `not a url` only failed at the first query, as "getaddrinfo ENOTFOUND base").
 * The message names the problem and never echoes the string: it may hold a password.
 */
export function checkConnectionString(value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidArgumentError(`connectionString must be a non-empty string (${FORM})`);
  }
  if (value.startsWith("/")) return; // pg's "/run/postgresql dbname" socket form
  const url = parseLikePg(value);
  if (url === undefined) {
    throw new InvalidArgumentError(`connectionString is not a valid URL: ${diagnose(value)} (${FORM})`);
  }
  if (url.protocol === "socket:") return;
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    // The "scheme" may be a user name when the scheme is missing (`user:password@host/db`): not quoted either.
    throw new InvalidArgumentError(
      `connectionString does not start with postgres:// or postgresql:// (${FORM})`,
    );
  }
}

/**
 * As pg-connection-string reads it (spaces and stray `%` encoded, `user@/db` with no host allowed), but without
 * its `postgres://base` fallback that turns any string into a relative URL.
 */
function parseLikePg(value: string): URL | undefined {
  if (!value.isWellFormed()) return undefined; // encodeURI would throw on a lone surrogate
  const text = / |%[^a-f0-9]|%[a-f0-9][^a-f0-9]/i.test(value)
    ? encodeURI(value).replace(/%25(\d\d)/g, "%$1")
    : value;
  for (const candidate of [text, text.replace("@/", "@___DUMMY___/")]) {
    try {
      return new URL(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** What is wrong with a string `new URL` refused, without repeating its user or password. */
function diagnose(value: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (!scheme) return "it does not start with postgres://";
  const rest = value.slice(scheme[0].length);
  const authority = rest.split(/[/?#]/, 1)[0] ?? "";
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const port = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostPort)?.[1];
  // Never quote a piece: with an unencoded "/" in the password, what looks like the port is part of it.
  if (port !== undefined && !/^\d*$/.test(port)) return "the port is not a number";
  if (port !== undefined && Number(port) > 65_535) return "the port is above 65535";
  return "check the host and percent-encode special characters (@ : / ? # %) in the user name and password";
}
