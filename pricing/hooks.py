"""Pricing's hook points: how a later stage (orders) plugs into pricing without pricing importing it.

- `pricing.order_maker(actor, quote, revision)`: one provider (orders) turns an accepted quote into an order and
  returns it (anything with `.number`). accept_quote calls it inside its own (durable) transaction, with the quote row
  locked and still `sent`; the order must be made at the prices of `revision.snapshot` (the revision the dealer
  accepts) for `quote.dealer`, placed by `actor.user` (on behalf when `actor.on_behalf`). It may raise a DomainError
  (credit limit, stock): the transaction rolls back and the quote stays sent. It must not commit on its own (no
  `atomic(durable=True)` inside); its `on_commit` work runs after the acceptance commits. Afterwards the quote is
  accepted → ordered with `order_number = order.number`. With none registered quotes cannot be accepted
  (OrderingUnavailable).
- The quote's lifecycle `pricing.quote` declares `pricing.quote.guard(quote, previous, to, actor)` and
  `pricing.quote.moved(quote, previous, actor)` (pricing/models/quotes.py, QUOTE).
"""
from portal import hooks

order_maker = hooks.point(
    "pricing.order_maker", args=("actor", "quote", "revision"), single=True,
    doc="Make the order of an accepted quote at its revision's prices; return it (with `.number`).")
