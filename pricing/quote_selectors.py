"""Reads of quotes shared by pages and API. A dealer's reads are scoped to the dealer the actor acts for (another
dealer's quote answers 404); staff reads are scoped to the quotes they may edit (admins all, agents their dealers')."""
from __future__ import annotations

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Quote, QuoteLine, QuoteRevision, QuoteStatus, QuoteStatusChange
from .models.quotes import TO_WORK_ON

STATUS_FILTERS = set(QuoteStatus.values) | {"open"}
OPEN = {QuoteStatus.REQUESTED, QuoteStatus.DRAFT, QuoteStatus.SENT}


def quotes_of(*, actor):
    """Every quote of the actor's dealer; none for an actor without a dealer."""
    if actor is None or actor.dealer is None:
        return Quote.objects.none()
    return Quote.objects.filter(dealer=actor.dealer)


def _filter(qs, filters):
    filters = filters or {}
    status = (filters.get("status") or "").strip()
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in QuoteStatus.values:
        qs = qs.filter(status=status)
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(lines__product__sku__iexact=search)).distinct()
    return qs


def _latest_revision():
    return Prefetch("revisions", queryset=QuoteRevision.objects.select_related("document").order_by("-number"),
                    to_attr="revision_list")


def list_quotes(*, actor, filters=None):
    """The dealer's quotes, newest first; `filters`: status (a status or "open"), q (number or an exact SKU)."""
    qs = _filter(quotes_of(actor=actor), filters)
    return qs.select_related("placed_by", "requested_by").prefetch_related(_latest_revision()).order_by(
        "-created_at", "-id")


def get_quote(*, actor, number) -> Quote:
    """One of the dealer's quotes with its requested lines, revisions (newest first, with their PDFs) and history."""
    qs = quotes_of(actor=actor).select_related("dealer", "placed_by", "requested_by", "decided_by").prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.select_related("product")),
        Prefetch("revisions", queryset=QuoteRevision.objects.select_related("document", "sent_by").order_by(
            "-number"), to_attr="revision_list"),
        Prefetch("status_changes", queryset=QuoteStatusChange.objects.select_related("by")),
    )
    return get_object_or_404(qs, number=number)


def get_revision(*, actor, number, revision) -> QuoteRevision:
    return get_object_or_404(QuoteRevision.objects.select_related("quote", "document"),
                             quote__in=quotes_of(actor=actor), quote__number=number, number=revision)


# --- staff ----------------------------------------------------------------------------------------------------------

def list_quotes_to_work_on(*, user, filters=None):
    """Quotes a staff user may edit; by default those waiting for work (requested, in preparation)."""
    filters = dict(filters or {})
    qs = Quote.objects.editable_by(user)
    if not filters.get("status"):
        qs = qs.filter(status__in=TO_WORK_ON)
    qs = _filter(qs, filters)
    dealer = (filters.get("dealer") or "").strip()
    if dealer:
        qs = qs.filter(Q(dealer__code__iexact=dealer) | Q(dealer__legal_name__icontains=dealer)
                       | Q(dealer__trade_name__icontains=dealer))
    return qs.select_related("dealer", "placed_by", "requested_by").order_by("created_at", "id")


def get_quote_for_editing(*, user, number) -> Quote:
    """A quote the staff user may edit (404 otherwise), with its lines, revisions and history."""
    qs = Quote.objects.editable_by(user).select_related("dealer", "placed_by", "requested_by", "decided_by")
    qs = qs.prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.select_related("product")),
        Prefetch("revisions", queryset=QuoteRevision.objects.select_related("document", "sent_by").order_by(
            "-number"), to_attr="revision_list"),
        Prefetch("status_changes", queryset=QuoteStatusChange.objects.select_related("by")),
    )
    return get_object_or_404(qs, number=number)


def get_revision_by_number(*, number, revision) -> QuoteRevision:
    """A revision by its quote's number, unscoped: for a download whose permission function decides (404 if none)."""
    found = (QuoteRevision.objects.select_related("quote__dealer", "document")
             .filter(quote__number=number, number=revision).first())
    if found is None:
        raise Http404
    return found


def get_revision_for_staff(*, user, number, revision) -> QuoteRevision:
    revision = (QuoteRevision.objects.select_related("quote", "document")
                .filter(quote__in=Quote.objects.editable_by(user), quote__number=number, number=revision).first())
    if revision is None:
        raise Http404
    return revision
