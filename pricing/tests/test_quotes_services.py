"""Quote services: request, prepare, send (revisions and snapshots), accept (through the order maker hook), reject;
every refusal with its code; audit rows and mails written with the change."""
import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from dealers.models import Dealer
from dealers.testing import DealerFactory, DealerUserFactory
from portal.actors import Actor
from portal.errors import DomainError
from portal.models import AuditEntry, Document, Notification
from pricing import hooks as pricing_hooks
from pricing import services
from pricing.engine import price_lines
from pricing.models import Quote, QuoteLine, QuoteRevision, QuoteStatusChange
from pricing.services.quotes import QuoteLineInput
from pricing.testing import PaymentAdjustmentFactory

from .quote_fixtures import actor_of, send, valid_in

pytestmark = pytest.mark.django_db


def codes(exc_info):
    return exc_info.value.code


def statuses(quote):
    return list(QuoteStatusChange.objects.filter(quote=quote).order_by("pk").values_list("to_status", flat=True))


# --- request ------------------------------------------------------------------------------------------------------

def test_owner_requests_a_quote_priced_by_the_engine_and_staff_are_mailed(owner, panel, turkish):
    quote = services.request_quote(actor=actor_of(owner), lines=[(panel, 3), (turkish.pk, "15")],
                                   note="For the Ankara site", requested_delivery_date=valid_in(20))
    assert quote.number.startswith(f"QUO-{timezone.localdate().year}-") and quote.status == "requested"
    assert quote.requested_by == owner and quote.placed_by == owner and not quote.is_placed_on_behalf
    lines = list(quote.lines.order_by("position"))
    assert [(line.product, line.quantity, line.engine_unit_price) for line in lines] == [
        (panel, Decimal(3), Decimal("100.00")), (turkish, Decimal(15), Decimal("12.50"))]
    assert statuses(quote) == ["requested"]
    assert AuditEntry.objects.filter(action="quote.requested", dealer=owner.dealer, actor=owner).count() == 1
    staff_mail = Notification.objects.get(template="quote_requested")
    assert staff_mail.recipient == "sales@example.com" and staff_mail.context["number"] == quote.number


def test_numbers_are_sequential_and_unique(owner, panel):
    first = services.request_quote(actor=actor_of(owner), lines=[(panel, 1)])
    second = services.request_quote(actor=actor_of(owner), lines=[(panel, 1)])
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1


def test_agent_requests_for_its_dealer_placed_by_agent_for_dealer(agent, dealer, panel):
    quote = services.request_quote(actor=actor_of(agent, dealer), lines=[(panel, 2)])
    assert quote.dealer == dealer and quote.placed_by == agent and quote.requested_by is None
    assert quote.is_placed_on_behalf
    entry = AuditEntry.objects.get(action="quote.requested")
    assert entry.actor == agent and entry.dealer == dealer and entry.data["on_behalf_of"] == dealer.pk
    assert QuoteStatusChange.objects.get(quote=quote).on_behalf


def test_a_product_given_twice_is_one_line_with_the_summed_quantity(owner, turkish):
    quote = services.request_quote(actor=actor_of(owner), lines=[(turkish, 10), (turkish, 5)])
    assert list(quote.lines.values_list("quantity", flat=True)) == [Decimal(15)]


@pytest.mark.parametrize("role", ["viewer", "finance"])
def test_roles_without_cart_may_not_request(request, role, panel):
    user = request.getfixturevalue(role)
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(user), lines=[(panel, 1)])
    assert codes(exc) == "pricing.quote_not_allowed" and exc.value.conflict
    assert not Quote.objects.exists()


def test_suspended_dealer_may_not_request(owner, panel):
    Dealer.objects.filter(pk=owner.dealer_id).update(status=Dealer.Status.SUSPENDED)
    owner.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(owner), lines=[(panel, 1)])
    assert codes(exc) == "pricing.dealer_not_approved"


def test_staff_acting_for_nobody_may_not_request(admin_user, panel):
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=Actor(user=admin_user), lines=[(panel, 1)])
    assert codes(exc) == "pricing.no_dealer"


@pytest.mark.parametrize("lines, code", [
    ([], "pricing.quote_no_lines"),
    ([(999999, 1)], "pricing.unknown_product"),
    ([("turkish", 7)], "catalog.below_minimum"),
    ([("turkish", 13)], "catalog.not_a_multiple"),
    ([("panel", "2.5")], "catalog.not_whole"),
    ([("panel", "0")], "catalog.invalid_quantity"),
    ([("panel", "-3")], "catalog.invalid_quantity"),
    ([("panel", "lots")], "catalog.invalid_quantity"),
])
def test_bad_lines_are_refused_and_nothing_is_written(request, owner, lines, code):
    resolved = [(request.getfixturevalue(item) if isinstance(item, str) else item, q) for item, q in lines]
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(owner), lines=resolved)
    assert codes(exc) == code and exc.value.http_status == 400
    assert not Quote.objects.exists()


def test_line_errors_name_the_sku(owner, turkish):
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(owner), lines=[(turkish, 3)])
    assert turkish.sku in str(exc.value.message)


def test_product_no_longer_sold_is_refused(owner, panel):
    panel.active = False
    panel.save()
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(owner), lines=[(panel, 1)])
    assert codes(exc) == "pricing.product_unavailable"


def test_requested_delivery_date_in_the_past_is_refused(owner, panel):
    with pytest.raises(DomainError) as exc:
        services.request_quote(actor=actor_of(owner), lines=[(panel, 1)], requested_delivery_date=valid_in(-1))
    assert codes(exc) == "pricing.quote_invalid_header" and exc.value.field == "requested_delivery_date"


def test_product_without_price_is_requested_with_an_empty_list_price(owner, sub_category):
    from pricing.testing import CatalogProductFactory

    unpriced = CatalogProductFactory(category=sub_category)
    quote = services.request_quote(actor=actor_of(owner), lines=[(unpriced, 1)])
    assert quote.lines.get().engine_unit_price is None


# --- preparation --------------------------------------------------------------------------------------------------

def test_agent_prepares_negotiated_price_and_discount_and_the_quote_moves_to_draft(requested, agent, panel, chinese):
    quote = services.update_quote(actor=agent, quote=requested, header={"valid_until": valid_in(14), "terms": "2 years"},
                                  lines=[QuoteLineInput(panel, 3, discount_percent="12.5"),
                                         QuoteLineInput(chinese, 7, unit_price="41,55")])
    assert quote.status == "draft" and quote.terms == "2 years"
    lines = {line.product_id: line for line in quote.lines.all()}
    assert lines[panel.pk].net_unit_price == Decimal("87.50")
    assert lines[chinese.pk].net_unit_price == Decimal("41.55")
    assert statuses(quote) == ["requested", "draft"]
    # Defaults of a first draft: a validity (given here), on account, standard delivery.
    assert quote.payment_method == "on_account" and quote.delivery_method == "standard"
    assert AuditEntry.objects.filter(action="quote.updated", actor=agent, dealer=quote.dealer).exists()


def test_lines_are_added_removed_and_repriced_by_the_engine(requested, agent, panel, chinese, turkish, market):
    quote = services.update_quote(actor=agent, quote=requested, lines=[QuoteLineInput(panel, 3),
                                                                     QuoteLineInput(turkish, 20)])
    assert sorted(quote.lines.values_list("product__sku", flat=True)) == sorted([panel.sku, turkish.sku])
    assert quote.lines.get(product=turkish).engine_unit_price == Decimal("12.50")
    # A quantity break for 100 panels: the changed line is re-priced, the other keeps its price.
    from pricing.testing import PriceListItemFactory

    PriceListItemFactory(price_list=market, product=panel, min_quantity=100, unit_price=Decimal("80.00"))
    services.update_quote(actor=agent, quote=quote, lines=[QuoteLineInput(panel, 100), QuoteLineInput(turkish, 20)])
    assert quote.lines.get(product=panel).engine_unit_price == Decimal("80.00")


def test_a_changed_payment_method_reprices_every_line(requested, agent, panel):
    PaymentAdjustmentFactory(method="wire", percent=Decimal("-2"))
    quote = services.update_quote(actor=agent, quote=requested, header={"payment_method": "wire"})
    assert quote.lines.get(product=panel).engine_unit_price == Decimal("98.00")
    services.update_quote(actor=agent, quote=quote, header={"payment_method": "on_account"},
                          lines=[QuoteLineInput(line.product_id, line.quantity) for line in quote.lines.all()])
    assert quote.lines.get(product=panel).engine_unit_price == Decimal("100.00")


@pytest.mark.parametrize("line, code", [
    (dict(unit_price="-1"), "pricing.quote_invalid_price"),
    (dict(discount_percent="100.01"), "pricing.quote_invalid_price"),
    (dict(discount_percent="-5"), "pricing.quote_invalid_price"),
    (dict(unit_price="10", discount_percent="5"), "pricing.quote_invalid_price"),
    (dict(unit_price="12.345"), "pricing.quote_invalid_price"),
    (dict(unit_price="abc"), "pricing.quote_invalid_price"),
    (dict(unit_price=1.5), "pricing.quote_invalid_price"),
])
def test_bad_prices_are_refused(requested, agent, panel, line, code):
    with pytest.raises(DomainError) as exc:
        services.update_quote(actor=agent, quote=requested, lines=[QuoteLineInput(panel, 3, **line)])
    assert codes(exc) == code
    requested.refresh_from_db()
    assert requested.status == "requested" and requested.lines.count() == 2


def test_a_product_twice_in_the_editor_is_refused(requested, agent, panel):
    with pytest.raises(DomainError) as exc:
        services.update_quote(actor=agent, quote=requested, lines=[QuoteLineInput(panel, 1), QuoteLineInput(panel, 2)])
    assert codes(exc) == "pricing.quote_duplicate_product"


def test_unknown_header_values_are_refused(requested, agent):
    for header in ({"payment_method": "cash"}, {"delivery_method": "pigeon"}, {"valid_until": "tomorrow"}):
        with pytest.raises(DomainError) as exc:
            services.update_quote(actor=agent, quote=requested, header=header)
        assert codes(exc) == "pricing.quote_invalid_header"


def test_only_staff_who_may_act_for_the_dealer_prepare_its_quotes(requested, other_agent, owner, admin_user):
    for user in (other_agent, owner):
        with pytest.raises(DomainError) as exc:
            services.update_quote(actor=user, quote=requested, header={"terms": "x"})
        assert codes(exc) == "pricing.quote_not_allowed"
        with pytest.raises(DomainError):
            services.send_quote(actor=user, quote=requested)
    # An admin may prepare any dealer's quote.
    assert services.start_draft(actor=admin_user, quote=requested).status == "draft"


def test_database_refuses_what_must_never_happen(requested):
    line = requested.lines.first()
    for field, value in (("quantity", Decimal(0)), ("negotiated_unit_price", Decimal("-1")),
                         ("discount_percent", Decimal("101")), ("engine_unit_price", Decimal("-0.01"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            QuoteLine.objects.filter(pk=line.pk).update(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteLine.objects.filter(pk=line.pk).update(negotiated_unit_price=Decimal(1), discount_percent=Decimal(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(number=requested.number, dealer=requested.dealer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=requested.pk).update(status="sent")  # sent without a revision


# --- send ---------------------------------------------------------------------------------------------------------

def test_send_freezes_a_snapshot_asks_for_the_pdf_and_mails_who_may_order(
        requested, agent, owner, buyer, viewer, panel, chinese, django_capture_on_commit_callbacks, monkeypatch):
    enqueued = []
    monkeypatch.setattr("portal.queue.enqueue", lambda task, *args, **kwargs: enqueued.append((task.name, args)))
    with django_capture_on_commit_callbacks(execute=True):
        quote = send(agent, requested, lines=[QuoteLineInput(panel, 3, discount_percent="12.5"),
                                              QuoteLineInput(chinese, 7, unit_price="41.55")])
    assert quote.status == "sent" and quote.revision == 1 and quote.quote_date == timezone.localdate()
    revision = quote.revisions.get()
    assert revision.number == 1 and revision.sent_by == agent
    doc = revision.document
    assert doc.kind == "pricing.quote" and doc.dealer == quote.dealer and doc.status == Document.Status.PENDING
    assert doc.language == owner.language
    assert ("portal.tasks.render_document_task", (doc.pk,)) in enqueued  # rendered by a worker after commit
    mails = Notification.objects.filter(template="quote_sent")
    assert sorted(mails.values_list("recipient", flat=True)) == sorted([owner.email, buyer.email])
    assert mails.first().context["pdf_url"].endswith(f"/quotes/{quote.number}/revisions/1/pdf/")
    assert statuses(quote) == ["requested", "draft", "sent"]
    assert AuditEntry.objects.filter(action="quote.sent", actor=agent, dealer=quote.dealer).count() == 1


def test_snapshot_totals_are_the_engine_price_and_net_arithmetic(requested, agent, panel, chinese, turkish, owner):
    quote = send(agent, requested, lines=[QuoteLineInput(panel, 3, discount_percent="12.5"),
                                          QuoteLineInput(chinese, 7, unit_price="41.55"),
                                          QuoteLineInput(turkish, 15)])
    snapshot = quote.revisions.get().snapshot
    engine = {line.sku: line for line in price_lines(dealer=quote.dealer, lines=[(panel, 3), (chinese, 7),
                                                                                (turkish, 15)])}
    by_sku = {line["sku"]: line for line in snapshot["lines"]}
    # List prices are the engine's; net = list − discount, or the negotiated price; rounded half-up per line.
    assert by_sku[panel.sku]["list_price"] == str(engine[panel.sku].unit_price) == "100.00"
    assert by_sku[panel.sku]["net_unit_price"] == "87.50" and by_sku[panel.sku]["line_net"] == "262.50"
    assert by_sku[chinese.sku]["net_unit_price"] == "41.55" and by_sku[chinese.sku]["line_net"] == "290.85"
    assert by_sku[chinese.sku]["discount_percent"] == "7.67"  # (45.00 − 41.55) / 45.00
    assert by_sku[turkish.sku]["net_unit_price"] == "12.50" and by_sku[turkish.sku]["line_net"] == "187.50"
    assert by_sku[turkish.sku]["line_net"] == str(engine[turkish.sku].line_net)
    vat = [Decimal("52.50"), Decimal("58.17"), Decimal("37.50")]  # 20 % of each line, rounded per line
    assert [Decimal(line["vat"]) for line in snapshot["lines"]] == vat
    assert snapshot["totals"] == {"net": "740.85", "vat": "148.17", "gross": "889.02",
                                  "list_net": "802.50", "discount": "61.65"}
    assert snapshot["dealer"]["name"] == str(quote.dealer) and snapshot["header"]["payment_method"] == "on_account"


def test_every_resend_is_a_new_revision_and_earlier_ones_stay_as_sent(sent, agent, panel, chinese):
    first = sent.revisions.get(number=1)
    first_snapshot, first_document = dict(first.snapshot), first.document_id
    quote = send(agent, sent, lines=[QuoteLineInput(panel, 5, unit_price="90"), QuoteLineInput(chinese, 7)])
    assert quote.revision == 2 and quote.status == "sent"
    first.refresh_from_db()
    assert first.snapshot == first_snapshot and first.document_id == first_document
    second = quote.revisions.get(number=2)
    assert second.document_id != first_document
    assert {line["sku"]: line["quantity"] for line in second.snapshot["lines"]}[panel.sku] == "5"
    assert statuses(quote) == ["requested", "draft", "sent", "draft", "sent"]
    assert Document.objects.filter(kind="pricing.quote").count() == 2


@pytest.mark.parametrize("change, code", [
    ({"lines": []}, "pricing.quote_no_lines"),
    ({"header": {"valid_until": "today"}}, "pricing.quote_invalid_header"),
    ({"header": {"valid_until": "yesterday"}}, "pricing.quote_invalid_header"),
    ({"header": {"payment_method": ""}}, "pricing.quote_invalid_header"),
    ({"header": {"delivery_method": ""}}, "pricing.quote_invalid_header"),
])
def test_send_refuses_an_incomplete_quote(requested, agent, change, code):
    services.start_draft(actor=agent, quote=requested)
    header = change.get("header", {})
    days = {"today": 0, "yesterday": -1}
    header = {k: valid_in(days[v]) if v in days else v for k, v in header.items()}
    services.update_quote(actor=agent, quote=requested, header=header, lines=change.get("lines"))
    with pytest.raises(DomainError) as exc:
        services.send_quote(actor=agent, quote=requested)
    assert codes(exc) == code
    requested.refresh_from_db()
    assert requested.status == "draft" and requested.revision == 0 and not QuoteRevision.objects.exists()
    assert not Notification.objects.filter(template="quote_sent").exists()


def test_send_refuses_a_line_without_any_price(owner, agent, sub_category):
    from pricing.testing import CatalogProductFactory

    unpriced = CatalogProductFactory(category=sub_category)
    quote = services.request_quote(actor=actor_of(owner), lines=[(unpriced, 2)])
    with pytest.raises(DomainError) as exc:
        send(agent, quote)
    assert codes(exc) == "pricing.quote_line_unpriced" and unpriced.sku in str(exc.value.message)
    # With a negotiated price it goes.
    quote = send(agent, quote, lines=[QuoteLineInput(unpriced, 2, unit_price="19.90")])
    assert quote.revisions.get().snapshot["lines"][0]["list_price"] is None


def test_send_straight_from_a_request_fills_the_defaults(requested, admin_user):
    quote = services.send_quote(actor=admin_user, quote=requested)
    assert quote.status == "sent" and quote.valid_until > timezone.localdate()
    assert statuses(quote) == ["requested", "draft", "sent"]


# --- accept -------------------------------------------------------------------------------------------------------

def test_owner_accepts_an_order_is_made_once_at_the_quoted_prices(sent, owner, order_maker):
    quote = services.accept_quote(actor=actor_of(owner), quote=sent, idempotency_key="k-1")
    assert quote.status == "ordered" and quote.order_number == "ORD-FAKE-0001"
    assert quote.decided_by == owner and quote.accept_idempotency_key == "k-1"
    assert len(order_maker.calls) == 1
    call = order_maker.calls[0]
    assert call["quote"] == quote.number and call["revision"] == 1
    assert call["gross"] == quote.revisions.get().snapshot["totals"]["gross"]
    assert statuses(quote)[-2:] == ["accepted", "ordered"]
    entry = AuditEntry.objects.get(action="quote.accepted")
    assert entry.actor == owner and entry.data["order"] == "ORD-FAKE-0001"
    assert Notification.objects.filter(template="quote_accepted", recipient="sales@example.com").count() == 1


def test_the_same_idempotency_key_returns_the_accepted_quote_and_makes_no_second_order(sent, owner, order_maker):
    services.accept_quote(actor=actor_of(owner), quote=sent, idempotency_key="same")
    again = services.accept_quote(actor=actor_of(owner), quote=sent, idempotency_key="same")
    assert again.order_number == "ORD-FAKE-0001" and len(order_maker.calls) == 1
    assert AuditEntry.objects.filter(action="quote.accepted").count() == 1


def test_a_second_acceptance_without_the_key_is_a_conflict_naming_the_order(sent, owner, buyer, order_maker):
    services.accept_quote(actor=actor_of(owner), quote=sent, idempotency_key="a")
    with pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(buyer), quote=sent, idempotency_key="b")
    assert codes(exc) == "pricing.quote_already_accepted" and exc.value.http_status == 409
    assert "ORD-FAKE-0001" in str(exc.value.message) and len(order_maker.calls) == 1


def test_buyer_and_agent_may_accept(sent, buyer, order_maker):
    assert services.accept_quote(actor=actor_of(buyer), quote=sent).status == "ordered"


def test_agent_accepts_for_the_dealer_recorded_on_behalf(sent, agent, dealer, order_maker):
    services.accept_quote(actor=actor_of(agent, dealer), quote=sent)
    entry = AuditEntry.objects.get(action="quote.accepted")
    assert entry.actor == agent and entry.dealer == dealer and entry.data["on_behalf_of"] == dealer.pk
    assert QuoteStatusChange.objects.filter(quote=sent, to_status="ordered", on_behalf=True).exists()


@pytest.mark.parametrize("role", ["viewer", "finance"])
def test_roles_that_may_not_order_may_not_accept_or_reject(request, sent, role, order_maker):
    user = request.getfixturevalue(role)
    for call in (lambda: services.accept_quote(actor=actor_of(user), quote=sent),
                 lambda: services.reject_quote(actor=actor_of(user), quote=sent, reason="no")):
        with pytest.raises(DomainError) as exc:
            call()
        assert codes(exc) == "pricing.quote_not_allowed"
    assert not order_maker.calls


def test_another_dealers_user_may_not_accept(sent, other_owner, order_maker):
    with pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(other_owner), quote=sent)
    assert codes(exc) == "pricing.quote_not_allowed" and not order_maker.calls


def test_a_quote_not_sent_cannot_be_accepted_or_rejected(requested, owner, order_maker):
    with pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(owner), quote=requested)
    assert codes(exc) == "pricing.quote_invalid_status"
    with pytest.raises(DomainError) as exc:
        services.reject_quote(actor=actor_of(owner), quote=requested, reason="too slow")
    assert codes(exc) == "pricing.quote_invalid_status"


def test_a_quote_past_its_validity_cannot_be_accepted_even_before_the_beat_job_ran(sent, owner, order_maker):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11), tick=False):
        with pytest.raises(DomainError) as exc:
            services.accept_quote(actor=actor_of(owner), quote=sent)
    assert codes(exc) == "pricing.quote_expired" and exc.value.http_status == 409 and not order_maker.calls
    # The last valid day it still can.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10), tick=False):
        assert services.accept_quote(actor=actor_of(owner), quote=sent).status == "ordered"


def test_an_expired_quote_cannot_be_accepted(sent, owner, order_maker):
    services.expire_quotes(today=valid_in(11))
    with pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(owner), quote=sent)
    assert codes(exc) == "pricing.quote_expired"


def test_without_an_order_maker_ordering_is_not_available(sent, owner, no_order_maker):
    with pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(owner), quote=sent)
    assert codes(exc) == "pricing.ordering_unavailable"
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_an_order_maker_refusal_leaves_the_quote_sent(sent, owner):
    class OverLimit(DomainError):
        code = "payments.over_credit_limit"
        conflict = True

    def refuse(**kwargs):
        raise OverLimit("Over the credit limit.")

    with pricing_hooks.order_maker.registered(refuse), pytest.raises(DomainError) as exc:
        services.accept_quote(actor=actor_of(owner), quote=sent)
    assert codes(exc) == "payments.over_credit_limit"
    sent.refresh_from_db()
    assert sent.status == "sent" and sent.order_number == "" and statuses(sent)[-1] == "sent"
    assert not AuditEntry.objects.filter(action="quote.accepted").exists()


def test_an_accepted_quote_cannot_be_changed_or_sent_again(sent, owner, agent, order_maker):
    services.accept_quote(actor=actor_of(owner), quote=sent)
    for call in (lambda: services.update_quote(actor=agent, quote=sent, header={"terms": "x"}),
                 lambda: services.send_quote(actor=agent, quote=sent),
                 lambda: services.start_draft(actor=agent, quote=sent)):
        with pytest.raises(DomainError) as exc:
            call()
        assert codes(exc) == "pricing.quote_invalid_status"


# --- reject -------------------------------------------------------------------------------------------------------

def test_owner_rejects_with_a_reason_and_staff_may_send_a_new_revision(sent, owner, agent):
    quote = services.reject_quote(actor=actor_of(owner), quote=sent, reason="  Too expensive for this project  ")
    assert quote.status == "rejected" and quote.rejection_reason == "Too expensive for this project"
    assert AuditEntry.objects.get(action="quote.rejected").data["reason"] == "Too expensive for this project"
    mail = Notification.objects.get(template="quote_rejected")
    assert mail.recipient == "sales@example.com" and mail.context["reason"] == "Too expensive for this project"
    quote = send(agent, quote)
    assert quote.status == "sent" and quote.revision == 2 and quote.rejection_reason == ""


def test_a_rejection_needs_a_reason(sent, owner):
    with pytest.raises(DomainError) as exc:
        services.reject_quote(actor=actor_of(owner), quote=sent, reason="   ")
    assert codes(exc) == "pricing.quote_reason_required" and exc.value.field == "reason"
    sent.refresh_from_db()
    assert sent.status == "sent"


def test_another_dealers_user_may_not_reject(sent, other_owner):
    with pytest.raises(DomainError) as exc:
        services.reject_quote(actor=actor_of(other_owner), quote=sent, reason="no")
    assert codes(exc) == "pricing.quote_not_allowed"


def test_mails_go_to_users_who_may_order_in_their_language(requested, agent, dealer):
    turkish_buyer = DealerUserFactory(dealer=dealer, role="buyer", language="tr")
    DealerUserFactory(dealer=dealer, role="approver", is_active=False)
    DealerUserFactory(dealer=DealerFactory(), role="owner")
    send(agent, requested)
    rows = Notification.objects.filter(template="quote_sent")
    assert rows.get(recipient=turkish_buyer.email).language == "tr"
    assert set(rows.values_list("user__dealer", flat=True)) == {dealer.pk}
    assert rows.count() == 2  # the owner and the Turkish buyer; not the inactive approver
