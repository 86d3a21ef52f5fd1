"""Every (from, to) pair of the dealer lifecycle (models.DEALER): an allowed pair moves through the kernel by its
service and writes the history row and the audit row; every other pair is refused with the lifecycle's one error
code, by the kernel and by each service that leads to that status, and changes nothing."""
import pytest
from django.db import transaction

from dealers import services
from dealers.errors import InvalidTransition
from dealers.models import DEALER, Dealer, DealerStatusChange
from dealers.testing import DealerFactory, DealerUserFactory, StaffFactory
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

S = Dealer.Status

# The service that makes each move, with what it needs besides the dealer and the actor.
SERVICES = {
    services.APPROVE: (services.approve_dealer, {}),
    services.REJECT: (services.reject_dealer, {"reason": "Outside our region."}),
    services.SUSPEND: (services.suspend_dealer, {"reason": "Overdue invoices."}),
    services.REACTIVATE: (services.reactivate_dealer, {}),
}


def _services_to(to):
    return [name for name, (target, _from) in services.MOVES.items() if target == to]


def _service_of(frm, to):
    (name,) = [name for name in _services_to(to) if services.MOVES[name][1] in (None, frm)]
    return name


def _dealer(status):
    dealer = DealerFactory(status=status)
    DealerUserFactory(dealer=dealer)
    return dealer


def _state(dealer):
    dealer.refresh_from_db()
    return (dealer.status, dealer.code, dealer.status_reason, DealerStatusChange.objects.filter(dealer=dealer).count(),
            AuditEntry.objects.filter(dealer=dealer).count())


def test_the_table_covers_every_status_and_each_allowed_pair_has_one_service():
    assert set(DEALER.transitions) == set(S)
    allowed = [(frm, to) for frm, to in DEALER.pairs() if DEALER.allowed(frm, to)]
    assert sorted(allowed) == sorted([(S.APPLIED, S.APPROVED), (S.APPLIED, S.REJECTED), (S.APPROVED, S.SUSPENDED),
                                      (S.SUSPENDED, S.APPROVED)])
    assert sorted(_service_of(frm, to) for frm, to in allowed) == sorted(services.MOVES)


@pytest.mark.parametrize("frm, to", DEALER.pairs(), ids=lambda s: str(s))
def test_every_pair_of_the_dealer_lifecycle(frm, to):
    dealer = _dealer(frm)
    staff = StaffFactory()
    if DEALER.allowed(frm, to):
        service, extra = SERVICES[_service_of(frm, to)]
        moved = []
        with DEALER.moved.registered(lambda dealer, previous, actor: moved.append((dealer.pk, previous, actor))):
            service(dealer=dealer, actor=staff, **extra)
        assert moved == [(dealer.pk, frm, staff)]  # through the kernel's move(), which runs its listeners
        dealer.refresh_from_db()
        assert dealer.status == to
        change = DealerStatusChange.objects.get(dealer=dealer)
        assert (change.from_status, change.to_status, change.by, change.on_behalf) == (frm, to, staff, False)
        entry = AuditEntry.objects.get(dealer=dealer, action=f"dealer.{to}")
        assert entry.actor == staff and (entry.data["from"], entry.data["to"]) == (frm, to)
        return

    before = _state(dealer)
    with pytest.raises(InvalidTransition) as refused, transaction.atomic():
        DEALER.move(Dealer.objects.select_for_update().get(pk=dealer.pk), to=to, actor=staff)
    assert refused.value.code == "dealers.invalid_transition" and refused.value.http_status == 409
    for name in _services_to(to):
        service, extra = SERVICES[name]
        with pytest.raises(InvalidTransition) as refused:
            service(dealer=dealer, actor=staff, **extra)
        assert refused.value.code == "dealers.invalid_transition"
    assert _state(dealer) == before


@pytest.mark.parametrize("move", [services.APPROVE, services.REACTIVATE])
def test_a_move_of_a_status_its_service_is_not_for_is_refused_with_the_same_code(move):
    """Approval and reactivation both lead to approved; each is made only from its own status."""
    to, only_from = services.MOVES[move]
    others = [frm for frm in S if frm != only_from and DEALER.allowed(frm, to)]
    assert others
    for frm in others:
        dealer = _dealer(frm)
        before = _state(dealer)
        service, extra = SERVICES[move]
        with pytest.raises(InvalidTransition) as refused:
            service(dealer=dealer, actor=StaffFactory(), **extra)
        assert refused.value.code == "dealers.invalid_transition"
        assert _state(dealer) == before
