"""Sales agents acting for one of their assigned dealers."""
from django.http import Http404

from portal import audit

from .. import permissions
from ..models import Dealer


def start_acting(*, agent, dealer_id, ip_address=None) -> Dealer:
    """Check the assignment and audit the start; the caller keeps the dealer id in the agent's session.

    A dealer not assigned to the agent answers 404, as if it did not exist."""
    dealer = Dealer.objects.filter(pk=dealer_id).first()
    if dealer is None or not permissions.can_act_for(agent, dealer):
        raise Http404
    audit.record(actor=agent, action="agent.acting_started", target=dealer, ip_address=ip_address)
    return dealer


def stop_acting(*, agent, dealer, ip_address=None) -> None:
    audit.record(actor=agent, action="agent.acting_stopped", target=dealer, ip_address=ip_address)
