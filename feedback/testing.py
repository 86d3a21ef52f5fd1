"""Test factories of feedback (issue 17), shared by feedback's and the catalog's tests. Extend it (append)."""


# --- Product reviews (F3) --------------------------------------------------------------------------------------------

def deliver(actor, product, *, staff, quantity=1):
    """An order of `product` for the actor's dealer, shipped and delivered: the dealer is a verified buyer."""
    from shipping.models import ShipmentStatus
    from shipping.services import move_shipment
    from shipping.testing import confirmed_order, ship

    order = confirmed_order(actor, product, quantity, staff=staff)
    shipment = ship(order, staff=staff)
    for to in (ShipmentStatus.SHIPPED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY,
               ShipmentStatus.DELIVERED):
        shipment = move_shipment(actor=staff, shipment=shipment, to=to)
    return shipment


def review_of(actor, product, *, stars=4, title="Solid panel", body="Bright and even light.", **fields):
    """A pending review by `actor` (whose dealer must have received `product`: see deliver())."""
    from feedback.services import submit_review

    return submit_review(actor=actor, product=product, stars=stars, title=title, body=body, **fields)


def published_review(actor, product, *, staff, **fields):
    from feedback.services import approve

    return approve(actor=staff, review=review_of(actor, product, **fields))


# --- Factories of rows made directly (F5: the dashboard's fixed datasets; not through the services) -----------------

import datetime as _dt  # noqa: E402

import factory  # noqa: E402
from django.utils import timezone  # noqa: E402


def nps_kind(score):
    from feedback.services.nps import kind_of

    return kind_of(score)


class NpsInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation sent now (or `sent_at=`) to a fresh dealer, its snapshots taken from the dealer unless given."""

    class Meta:
        model = "feedback.NpsInvitation"

    dealer = factory.SubFactory("dealers.testing.DealerFactory")
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.sent_at + _dt.timedelta(days=14))
    tier = factory.LazyAttribute(lambda o: o.dealer.tier)
    city = factory.LazyAttribute(lambda o: o.dealer.city)


class NpsResponseFactory(factory.django.DjangoModelFactory):
    """The answer to an invitation (a fresh one unless given): `score` 0–10, its kind by the one rule (kind_of),
    answered a day after the invitation unless `responded_at=`. `NpsResponseFactory(invitation__tier="gold", ...)`
    sets the invitation's snapshots."""

    class Meta:
        model = "feedback.NpsResponse"

    invitation = factory.SubFactory(NpsInvitationFactory)
    dealer = factory.LazyAttribute(lambda o: o.invitation.dealer)
    score = 9
    kind = factory.LazyAttribute(lambda o: nps_kind(o.score))
    responded_at = factory.LazyAttribute(lambda o: o.invitation.sent_at + _dt.timedelta(days=1))


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review row (pending unless `status=`) of a product (a fresh one unless given) by a fresh dealer, no user."""

    class Meta:
        model = "feedback.Review"

    product = factory.SubFactory("catalog.testing.ProductFactory")
    dealer = factory.SubFactory("dealers.testing.DealerFactory")
    stars = 4
    title = factory.Sequence(lambda n: f"Review {n}")
    body = "Bright and even light."
    city = factory.LazyAttribute(lambda o: o.dealer.city if o.dealer else "")
    tier = factory.LazyAttribute(lambda o: o.dealer.tier if o.dealer else "")
    submitted_at = factory.LazyFunction(timezone.now)
