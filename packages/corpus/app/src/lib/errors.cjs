"use strict";

class AppError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
    this.status = (options && options.status) || 500;
    this.expose = this.status < 500;
  }
}

class ValidationError extends AppError {
  constructor(message, fields, options) {
    super(message, Object.assign({ status: 422 }, options));
    this.fields = fields || {};
  }
}

class NotFoundError extends AppError {
  constructor(entity, id) {
    super(entity + " " + JSON.stringify(id) + " not found", { status: 404 });
    this.entity = entity;
  }
}

class QueryFailedError extends AppError {
  constructor(query, parameters, driverError) {
    super(driverError.message, { cause: driverError });
    this.query = query;
    this.parameters = parameters;
    this.code = driverError.code;
  }
}

class PaymentProviderError extends AppError {
  constructor(provider, message, cause) {
    super(provider + ": " + message, { status: 502, cause: cause });
    this.provider = provider;
  }
}

class GraphQLError extends AppError {
  constructor(message, path) {
    super(message, { status: 200 });
    this.path = path;
    this.extensions = { code: "INTERNAL_SERVER_ERROR" };
  }
}

module.exports = {
  AppError,
  ValidationError,
  NotFoundError,
  QueryFailedError,
  PaymentProviderError,
  GraphQLError,
};
