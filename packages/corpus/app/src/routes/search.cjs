"use strict";

const i18n = require("../services/i18n.cjs");
const { execute } = require("../lib/graphql.cjs");
const { renderPage } = require("../lib/template.cjs");

function searchProducts(req, res, next) {
  const locale = req.query.locale || req.user.locale;
  res.body = { hits: i18n.search(req.scenario.index, req.query.q, locale) };
}

function graphql(req, res, next) {
  res.body = execute({ query: req.body.query, depth: req.scenario.depth });
}

function statement(req, res, next) {
  res.body = renderPage(req.scenario.statement, { locale: req.user.locale, theme: "dark" });
}

function shippingWebhook(req, res, next) {
  const events = req.body.events || [];
  for (const event of events) {
    if (event.status === "exception") {
      req.report(event.message, event.level);
    }
  }
  res.status = 202;
}

module.exports = { searchProducts, graphql, statement, shippingWebhook };
