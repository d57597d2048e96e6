"use strict";

const http = require("../lib/http.cjs");

const PROVIDERS = {
  stripe: "https://api.stripe.com/v1/payment_intents",
  adyen: "https://checkout-test.adyen.com/v71/payments",
  paypal: "https://api-m.paypal.com/v2/checkout/orders",
};

class PaymentService {
  constructor(transport) {
    this.transport = transport;
  }

  authorize(provider, order, card) {
    const url = PROVIDERS[provider];
    return http.post(
      provider,
      url,
      {
        amount: Math.round(order.total * 100),
        currency: order.currency.toLowerCase(),
        description: "Order " + order.id + " — " + order.description,
        payment_method: card.token,
        metadata: { order_id: order.id, customer: order.customer },
      },
      this.transport,
    );
  }

  charge(order, card) {
    const intent = this.authorize(order.provider, order, card);
    return { id: intent.id, status: intent.status };
  }
}

module.exports = { PaymentService };
