"""The quote's lifecycle (pricing.models.QUOTE) over every (from, to) pair of its statuses: an allowed pair moves and
writes one history row at the quote's revision (and an audit row); every other pair is refused with the one code
(pricing.quote_invalid_status, 409) and changes nothing."""
import pytest
from django.db import transaction

from dealers.testing import StaffFactory
from portal.models import AuditEntry
from pricing.errors import QuoteInvalidTransition
from pricing.models import QUOTE, QuoteStatus
from pricing.services import lock_quote, move_quote
from pricing.testing import QuoteFactory

pytestmark = pytest.mark.django_db

S = QuoteStatus


def _quote(status):
    # Every status's constraints hold: a revision, an order number and a rejection reason.
    return QuoteFactory(status=status, revision=1, order_number="ORD-T-1", rejection_reason="Too dear")


@pytest.mark.parametrize("frm, to", QUOTE.pairs(), ids=[f"{frm}->{to}" for frm, to in QUOTE.pairs()])
def test_every_pair_of_statuses_moves_or_is_refused_with_the_one_code(frm, to):
    quote = _quote(frm)
    actor = StaffFactory()
    audits = AuditEntry.objects.count()
    if QUOTE.allowed(frm, to):
        with transaction.atomic():
            move_quote(lock_quote(quote), to=to, actor=actor, note="table")
        quote.refresh_from_db()
        assert quote.status == to
        assert list(quote.status_changes.values_list("from_status", "to_status", "by", "note", "revision")) == [
            (frm, to, actor.pk, "table", 1)]
        assert AuditEntry.objects.count() == audits + 1
        return
    with pytest.raises(QuoteInvalidTransition) as refused, transaction.atomic():
        move_quote(lock_quote(quote), to=to, actor=actor)
    assert refused.value.code == "pricing.quote_invalid_status"
    assert refused.value.conflict and refused.value.http_status == 409
    quote.refresh_from_db()
    assert quote.status == frm and not quote.status_changes.exists() and AuditEntry.objects.count() == audits


def test_the_table_is_the_documented_one():
    assert QUOTE.error is QuoteInvalidTransition
    assert QUOTE.targets(S.REQUESTED) == [S.DRAFT]
    assert QUOTE.targets(S.DRAFT) == [S.SENT]
    assert QUOTE.targets(S.SENT) == [S.DRAFT, S.ACCEPTED, S.REJECTED, S.EXPIRED]
    assert QUOTE.targets(S.ACCEPTED) == [S.ORDERED]
    assert QUOTE.targets(S.REJECTED) == QUOTE.targets(S.EXPIRED) == [S.DRAFT]
    assert QUOTE.targets(S.ORDERED) == []

