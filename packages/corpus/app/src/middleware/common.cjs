"use strict";

// Pass-through middleware; each one adds real frames (Layer.handle, next, trim_prefix) to the stack.

function requestId(req, res, next) {
  req.id = req.headers["x-request-id"] || "req-" + req.seq;
  next();
}

function cors(req, res, next) {
  res.headers["access-control-allow-origin"] = req.headers.origin || "*";
  next();
}

function helmet(req, res, next) {
  res.headers["x-content-type-options"] = "nosniff";
  next();
}

function compression(req, res, next) {
  req.acceptsGzip = /gzip/.test(req.headers["accept-encoding"] || "");
  next();
}

function session(req, res, next) {
  req.session = { id: req.cookies.sid, started: req.seq };
  next();
}

function tenantResolver(req, res, next) {
  req.tenant = (req.headers.host || "").split(".")[0];
  next();
}

function featureFlags(req, res, next) {
  req.flags = { newCheckout: req.seq % 2 === 0 };
  next();
}

function requestLogger(req, res, next) {
  req.log = [];
  next();
}

function jsonBody(req, res, next) {
  if (typeof req.rawBody === "string" && req.rawBody.length > 0) {
    req.body = JSON.parse(req.rawBody);
  }
  next();
}

module.exports = {
  requestId,
  cors,
  helmet,
  compression,
  session,
  tenantResolver,
  featureFlags,
  requestLogger,
  jsonBody,
};
