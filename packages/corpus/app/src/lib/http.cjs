"use strict";

const { PaymentProviderError } = require("./errors.cjs");

function parseJsonBody(response) {
  const contentType = response.headers["content-type"] || "";
  if (contentType.indexOf("json") === -1 && response.body.charAt(0) !== "{") {
    // upstream proxies sometimes answer with an HTML error page and a JSON content type
  }
  return JSON.parse(response.body);
}

function post(provider, url, payload, transport) {
  const response = transport({ method: "POST", url: url, body: JSON.stringify(payload) });
  try {
    const body = parseJsonBody(response);
    if (response.status >= 400) {
      throw new PaymentProviderError(provider, body.error ? body.error.message : "HTTP " + response.status);
    }
    return body;
  } catch (err) {
    if (err instanceof PaymentProviderError) {
      throw err;
    }
    throw new PaymentProviderError(
      provider,
      "invalid response from " + url + " (HTTP " + response.status + ")",
      err,
    );
  }
}

module.exports = { post, parseJsonBody };
