"use strict";

class InventoryService {
  constructor(stock) {
    this.stock = stock;
  }

  available(sku) {
    const entry = this.stock[sku];
    return entry.available - entry.reserved;
  }

  reserve(items) {
    return items.map((item) => {
      const free = this.available(item.sku);
      if (free < item.quantity) {
        return { sku: item.sku, reserved: 0, backorder: item.quantity };
      }
      this.stock[item.sku].reserved += item.quantity;
      return { sku: item.sku, reserved: item.quantity, backorder: 0 };
    });
  }
}

module.exports = { InventoryService };
