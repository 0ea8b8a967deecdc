"""
The shop's writes, one module per job:

- `quoting`: what an order costs (the checkout page's summary and the order
  placed are priced by the one `order_quote`);
- `placing`: an order from the cart (stock and promo use held while it waits);
- `checkout`: the checkout saga (the order, then its payment page);
- `outcomes`: what a payment became (paid, needs review, fee, refunded,
  failed, expired): the payment outcome handlers' writes;
- `shipping`: the fulfilment steps staff take (packed, shipped, pickup...);
- `stock`: every stock move (held, returned, restocked, adjusted) and the
  low-stock warning;
- `refunds`: refunds from the admin and from the payment processor;
- `promos`: whether a promo code can be used;
- `emails`: the order emails and their tasks;
- `privacy`: a buyer's copy and erasure, and forgetting unpaid orders.

Each email task (`send_*`) sits beside the service that sends it. Reads are in
`shop.selectors`, errors in `shop.errors`.
"""
