// The service's protobuf messages, loaded at start-up with protobufjs from the .proto files the official npm SDK
// ships (tablestore/lib/protocol/tablestore.proto): the same definitions the clients are compiled from, so the
// field numbers and required/optional markers cannot drift from what the SDKs send and check.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import protobuf from "protobufjs";
import { parameterInvalid } from "./errors.js";

const require = createRequire(import.meta.url);

/** Absolute path of the SDK's tablestore.proto. */
export const PROTO_FILE = join(
  dirname(require.resolve("tablestore/package.json")),
  "lib/protocol/tablestore.proto",
);

const root = protobuf.loadSync(PROTO_FILE);
// Its package is `main.proto` (the Python SDK's copy says `com.aliyun.tablestore.protocol`; the package name
// never goes on the wire).
const ns = root.lookup("main.proto");

/** @param {string} name @returns {protobuf.Type} */
export function messageType(name) {
  const type = ns.lookup(name);
  if (!(type instanceof protobuf.Type)) throw new Error(`no message ${name} in ${PROTO_FILE}`);
  return type;
}

/** @param {string} name */
export function enumValues(name) {
  const e = ns.lookup(name);
  if (!(e instanceof protobuf.Enum)) throw new Error(`no enum ${name} in ${PROTO_FILE}`);
  return e.values;
}

/**
 * Decodes a request body. A body that is not the message (or lacks a required field) is what the service calls
 * "Parse PBMessage from RawString failed." (400 OTSParameterInvalid).
 */
export function decodeRequest(api, body) {
  try {
    return messageType(`${api}Request`).decode(body);
  } catch {
    throw parameterInvalid("Parse PBMessage from RawString failed.");
  }
}

/**
 * Encodes a response after checking it against the message, required fields included: the npm SDK's decoder
 * throws on a missing required field, so a response that fails here is a bug of this server, never sent.
 */
export function encodeMessage(name, object) {
  const type = messageType(name);
  const problem = type.verify(object);
  if (problem) throw new Error(`local Tablestore server bug: ${name} ${problem}`);
  return Buffer.from(type.encode(type.fromObject(object)).finish());
}

/** Whether a decoded message carries `field` (proto2 presence). */
export function has(message, field) {
  return Object.hasOwn(message, field) && message[field] !== null && message[field] !== undefined;
}

/** An int64 field (Long, number or string) as a JS number; undefined when absent. */
export function int64(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "string") return Number(value);
  return Number(value.toString());
}
