"""Every (from, to) pair of the ticket lifecycle (support.models TICKET): an allowed pair moves and writes its history
row; every other pair is refused with the lifecycle's one code (409) and changes nothing."""
import pytest
from django.db import transaction

from support.errors import TicketMoveNotAllowed
from support.models import TICKET, Ticket, TicketStatus
from support.testing import TicketFactory

TS = TicketStatus


def move(ticket, to, actor):
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        TICKET.move(locked, to=to, actor=actor)
    return locked


@pytest.mark.parametrize(("current", "to"), TICKET.pairs(), ids=lambda s: str(s))
def test_every_pair_of_the_ticket_lifecycle(current, to, staff):
    ticket = TicketFactory()
    # A starting point: tests may write a status directly.
    Ticket.objects.filter(pk=ticket.pk).update(status=current)
    ticket.refresh_from_db()
    rows = ticket.history.count()
    if TICKET.allowed(current, to):
        moved = move(ticket, to, staff)
        assert moved.status == to and Ticket.objects.get(pk=ticket.pk).status == to
        last = ticket.history.order_by("-created_at", "-pk").first()
        assert ticket.history.count() == rows + 1 and (last.from_status, last.to_status) == (current, to)
        assert last.by == staff
    else:
        with pytest.raises(TicketMoveNotAllowed) as refused:
            move(ticket, to, staff)
        assert refused.value.code == "support.move_not_allowed" and refused.value.conflict
        assert Ticket.objects.get(pk=ticket.pk).status == current and ticket.history.count() == rows


def test_the_table_is_the_issues():
    assert TICKET.targets(TS.NEW) == [TS.OPEN, TS.WAITING_ON_DEALER, TS.RESOLVED, TS.CLOSED]
    assert TICKET.targets(TS.OPEN) == [TS.WAITING_ON_DEALER, TS.RESOLVED, TS.CLOSED]
    assert TICKET.targets(TS.WAITING_ON_DEALER) == [TS.OPEN, TS.RESOLVED, TS.CLOSED]
    assert TICKET.targets(TS.RESOLVED) == [TS.OPEN, TS.CLOSED]
    assert TICKET.targets(TS.CLOSED) == []
