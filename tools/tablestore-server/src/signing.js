// Request authentication and response signing, as both official SDKs do them.
//
// Request (V2, the SDKs' default): x-ots-signature = base64(HMAC-SHA1(AccessKeySecret,
//   "/" + ApiName + "\n" + "POST" + "\n" + "" + "\n" + canonical + "\n")), canonical = every x-ots-* header but
//   the signature itself, "lowername:value", sorted, joined by "\n".
// Request (V4, the Python SDK with `region=`): x-ots-signaturev4 = base64(HMAC-SHA256(key, string + "ots")), key =
//   base64 of the HMAC-SHA256 chain "aliyun_v4"+secret -> x-ots-signdate -> x-ots-signregion -> "ots" ->
//   "aliyun_v4_request".
// Response: authorization = "OTS " + AccessKeyId + ":" + base64(HMAC-SHA1(key, canonical(response x-ots-*) + "\n"
//   + "/" + ApiName)), which the Python SDK verifies (the npm SDK checks nothing).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { authFailed, parameterInvalid } from "./errors.js";

export const API_VERSION = "2015-12-31";
/** The service refuses a request whose x-ots-date is further than this from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const REQUIRED = [
  "x-ots-date",
  "x-ots-apiversion",
  "x-ots-accesskeyid",
  "x-ots-instancename",
  "x-ots-contentmd5",
];

/** `lowername:value` of every x-ots-* header except `skip`, sorted, joined by "\n". */
export function canonicalHeaders(headers, skip = []) {
  return Object.entries(headers)
    .filter(([name]) => name.toLowerCase().startsWith("x-ots-") && !skip.includes(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}:${String(value).trim()}`)
    .sort()
    .join("\n");
}

export const contentMd5 = (body) => createHash("md5").update(body).digest("base64");

function v4Key(secret, date, region) {
  let key = createHmac("sha256", `aliyun_v4${secret}`).update(date).digest();
  key = createHmac("sha256", key).update(region).digest();
  key = createHmac("sha256", key).update("ots").digest();
  key = createHmac("sha256", key).update("aliyun_v4_request").digest();
  return Buffer.from(key.toString("base64"));
}

function same(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a request's headers, body MD5, clock and signature, in the order the service reports them.
 * @param {{ api: string, headers: Record<string, string>, body: Buffer, keys: Map<string, { secret: string, stsToken?: string }>,
 *   instances: ReadonlySet<string>, now?: number }} request node's lower-cased headers
 * @returns {{ accessKeyId: string, signingKey: string | Buffer, instance: string }} what signs the response
 */
export function authenticate({ api, headers, body, keys, instances, now = Date.now() }) {
  for (const name of REQUIRED) {
    if (headers[name] === undefined) throw parameterInvalid(`Missing header: '${name}'.`);
  }
  const v4 = headers["x-ots-signaturev4"] !== undefined;
  if (!v4 && headers["x-ots-signature"] === undefined)
    throw parameterInvalid("Missing header: 'x-ots-signature'.");
  if (headers["x-ots-apiversion"] !== API_VERSION) {
    throw parameterInvalid(`Unsupported API version: ${headers["x-ots-apiversion"]}.`);
  }
  const date = headers["x-ots-date"];
  const when = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(when)) throw parameterInvalid(`Invalid date format: ${date}.`);

  const key = keys.get(headers["x-ots-accesskeyid"]);
  if (!key) throw authFailed("The AccessKeyID does not exist.");
  if (Math.abs(now - when) > MAX_CLOCK_SKEW_MS)
    throw authFailed(`Mismatch between system time and x-ots-date: ${date}.`);
  if (!same(contentMd5(body), headers["x-ots-contentmd5"])) {
    throw authFailed("Mismatch between MD5 value of request body and x-ots-contentmd5 in header.");
  }

  const base = `/${api}\nPOST\n\n`;
  let signingKey;
  let expected;
  if (v4) {
    const signDate = headers["x-ots-signdate"];
    const region = headers["x-ots-signregion"];
    if (signDate === undefined) throw parameterInvalid("Missing header: 'x-ots-signdate'.");
    if (region === undefined) throw parameterInvalid("Missing header: 'x-ots-signregion'.");
    signingKey = v4Key(key.secret, signDate, region);
    const string = `${base}${canonicalHeaders(headers, ["x-ots-signaturev4"])}\nots`;
    expected = createHmac("sha256", signingKey).update(string).digest("base64");
    if (!same(expected, headers["x-ots-signaturev4"])) throw authFailed("Signature mismatch.");
  } else {
    signingKey = key.secret;
    const string = `${base}${canonicalHeaders(headers, ["x-ots-signature"])}\n`;
    expected = createHmac("sha1", signingKey).update(string).digest("base64");
    if (!same(expected, headers["x-ots-signature"])) throw authFailed("Signature mismatch.");
  }

  // The STS token is checked after the signature (it is one of the signed headers).
  const token = headers["x-ots-ststoken"];
  if (key.stsToken !== undefined && token !== key.stsToken) {
    throw authFailed(
      token === undefined ? "The security token is missing." : "The security token is invalid.",
    );
  }
  if (key.stsToken === undefined && token !== undefined) throw authFailed("The security token is invalid.");

  const instance = headers["x-ots-instancename"];
  if (!instances.has(instance)) throw authFailed("The instance is not found.");
  return { accessKeyId: headers["x-ots-accesskeyid"], signingKey, instance };
}

/** The `authorization` response header over the response's x-ots-* headers. */
export function responseAuthorization({ api, headers, accessKeyId, signingKey }) {
  const string = `${canonicalHeaders(headers)}\n/${api}`;
  return `OTS ${accessKeyId}:${createHmac("sha1", signingKey).update(string).digest("base64")}`;
}
