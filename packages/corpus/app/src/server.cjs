"use strict";

const Router = require("../deps/express/lib/router/index.cjs");
const common = require("./middleware/common.cjs");
const { authenticate } = require("./middleware/auth.cjs");
const orders = require("./routes/orders.cjs");
const users = require("./routes/users.cjs");
const search = require("./routes/search.cjs");

function createApp(middleware) {
  const app = Router();
  app.use(common.requestId);
  for (const name of middleware) {
    app.use(common[name]);
  }
  app.use(common.jsonBody);
  app.use("/api", authenticate);
  app.route("POST", "/api/orders", orders.createOrder);
  app.route("GET", "/api/orders/lookup", orders.getOrder);
  app.route("POST", "/api/payments/charge", orders.chargeOrder);
  app.route("PATCH", "/api/users/me", users.updateProfile);
  app.route("GET", "/api/search", search.searchProducts);
  app.route("POST", "/api/graphql", search.graphql);
  app.route("GET", "/api/account/statement", search.statement);
  app.route("POST", "/webhooks/shipping", search.shippingWebhook);
  return app;
}

/**
 * Runs one request through the app synchronously. Exceptions propagate to the caller,
 * which reports them the way an error-handling middleware would.
 */
function handleRequest(app, req) {
  const res = { status: 200, headers: {}, body: null };
  let finalError = null;
  app.handle(req, res, function finalhandler(err) {
    finalError = err || null;
  });
  if (finalError) {
    throw finalError;
  }
  return res;
}

module.exports = { createApp, handleRequest };
