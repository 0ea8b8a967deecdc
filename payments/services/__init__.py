"""
The payments app's writes, one module per job:

- `checkout`: opening a checkout, and confirming it from a success page;
- `stripe_checkout`: what a Stripe Checkout Session is opened with;
- `dispatch`: `checkout_dispatch`, the one call every source of news makes;
- `recording`: whether money that arrived counts as paid (`payment_outcome`),
  our record of an outcome, and the handler told;
- `invoices`: our record of monthly charges and of their subscriptions;
- `events`, `subscription_events`: what each Stripe webhook event means;
- `fees`: the processor's fee, and the tasks that fetch it after commit;
- `closing`: a payment page that must no longer take money;
- `refunds`: refunding a payment;
- `subscriptions`: a donor's billing portal, canceling a monthly gift;
- `local_gateway`: the local test gateway's payments and monthly charges;
- `privacy`: erasing a person's email from our checkout records.

Reads are in `payments.selectors`, errors in `payments.errors`; what an app asks
and is told in `payments.registry`; the one import of `stripe` is in
`payments.gateways`.
"""
