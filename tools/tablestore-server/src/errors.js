// Tablestore's errors: an HTTP status, an error code and a message, sent as the protobuf `Error{code, message}`
// body. Status codes and messages are the ones Alibaba Cloud documents ("Error codes", Tablestore developer
// reference) and the official SDKs' own integration tests assert; where the service's exact wording is not
// documented the message is ours and says so in the README.

export class OtsError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {string} code e.g. "OTSObjectNotExist"
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = "OtsError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Codes whose status and message are fixed: what fault injection and `otsError(code)` produce. Every entry is
 * from the documented error table.
 * @type {Record<string, [number, string]>}
 */
export const CATALOG = {
  OTSAuthFailed: [403, "Signature mismatch."],
  OTSNoPermissionAccess: [
    403,
    "You have no permission to access the requested resource, please contact the resource owner",
  ],
  OTSRequestBodyTooLarge: [413, "The size of POST data is too large."],
  OTSRequestTimeout: [408, "Request timeout."],
  OTSMethodNotAllowed: [405, "OTSMethodNotAllowedOnly POST method for requests is supported."],
  OTSParameterInvalid: [400, "The input parameter is invalid."],
  OTSInternalServerError: [500, "Internal server error."],
  OTSQuotaExhausted: [403, "Too frequent table operations."],
  OTSServerBusy: [503, "Server is busy."],
  OTSPartitionUnavailable: [503, "The partition is not available."],
  OTSTimeout: [503, "Operation timeout."],
  OTSServerUnavailable: [503, "Server is not available."],
  OTSRowOperationConflict: [409, "Data is being modified by the other request."],
  OTSObjectAlreadyExist: [409, "Requested table already exists."],
  OTSObjectNotExist: [404, "Requested table does not exist."],
  OTSTableNotReady: [404, "The table is not ready."],
  OTSTooFrequentReservedThroughputAdjustment: [403, "Capacity unit adjustment is too frequent."],
  OTSCapacityUnitExhausted: [403, "Capacity unit is not enough."],
  OTSNotEnoughCapacityUnit: [403, "Remaining capacity unit is not enough."],
  OTSConditionCheckFail: [403, "Condition check failed."],
  OTSInvalidPK: [400, "Primary key schema mismatch."],
  OTSOutOfRowSizeLimit: [400, "The total data size of columns in one row exceeded the limit."],
  OTSOutOfColumnCountLimit: [400, "The number of columns in one row exceeded the limit."],
  OTSFlowControl: [429, "The requests have been throttled."],
};

/** The catalogued error for `code`, optionally with another message (or status, for an uncatalogued code). */
export function otsError(code, message, status) {
  const known = CATALOG[code];
  if (!known && status === undefined)
    throw new Error(`unknown Tablestore error code ${code}; give its HTTP status`);
  return new OtsError(status ?? known[0], code, message ?? known[1]);
}

export const parameterInvalid = (message) => new OtsError(400, "OTSParameterInvalid", message);
export const authFailed = (message) => new OtsError(403, "OTSAuthFailed", message);
export const objectNotExist = () => otsError("OTSObjectNotExist");
export const invalidPk = (message) => otsError("OTSInvalidPK", message);
export const conditionCheckFail = () => otsError("OTSConditionCheckFail");
