"use strict";

const { OrderService } = require("../services/orders.cjs");
const { PaymentService } = require("../services/payments.cjs");

function services(req) {
  const scenario = req.scenario;
  return new OrderService({ failure: scenario.dbFailure, stock: scenario.stock, host: scenario.dbHost });
}

function createOrder(req, res, next) {
  const order = services(req).createOrder(req.body, req.user);
  res.status = 201;
  res.body = { id: order.id };
}

function getOrder(req, res, next) {
  const order = services(req).getOrder(req.query.id);
  res.body = order;
}

function chargeOrder(req, res, next) {
  const scenario = req.scenario;
  const payments = new PaymentService(function transport(request) {
    return scenario.providerResponse;
  });
  const result = payments.charge(req.body.order, req.body.card);
  res.body = result;
}

module.exports = { createOrder, getOrder, chargeOrder };
