"use strict";

const { Repository } = require("../lib/db.cjs");
const { ValidationError, NotFoundError } = require("../lib/errors.cjs");
const { InventoryService } = require("./inventory.cjs");

function lineTotal(item) {
  return Math.round(item.unitPrice * item.quantity * 100) / 100;
}

class OrderService {
  constructor(options) {
    this.orders = new Repository("orders", options);
    this.inventory = new InventoryService(options.stock || {});
  }

  validateItems(items, user) {
    if (!Array.isArray(items) || items.length === 0) {
      throw new ValidationError("Order for " + user.name + " has no items", { items: "required" });
    }
    for (const item of items) {
      if (!(item.quantity > 0)) {
        throw new ValidationError(
          "Invalid quantity " + item.quantity + ' for "' + item.name + '" (' + item.sku + ")",
          { quantity: item.quantity },
        );
      }
    }
  }

  createOrder(input, user) {
    this.validateItems(input.items, user);
    const reservations = this.inventory.reserve(input.items);
    const total = input.items.map(lineTotal).reduce((a, b) => a + b, 0);
    return this.orders.insert({
      customer_id: user.id,
      currency: input.currency,
      total: total,
      backordered: reservations.some((r) => r.backorder > 0),
      note: input.note,
    });
  }

  getOrder(id) {
    const order = this.orders.findOne({ id: id });
    if (!order) {
      throw new NotFoundError("Order", id);
    }
    return order;
  }
}

module.exports = { OrderService };
