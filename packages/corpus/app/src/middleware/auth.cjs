"use strict";

const { AppError } = require("../lib/errors.cjs");

function decodeToken(token) {
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new AppError("Malformed bearer token", { status: 401 });
  }
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

function authenticate(req, res, next) {
  const header = req.headers.authorization || "";
  const claims = decodeToken(header.replace(/^Bearer\s+/i, ""));
  req.user = { id: claims.sub, name: claims.name, locale: claims.locale, roles: claims.roles };
  next();
}

module.exports = { authenticate, decodeToken };
