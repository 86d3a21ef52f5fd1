"""The dealer's side of a ticket (issue 15 §1, §4): opening with links (another dealer's refused as unknown), the
content check of attachments and the quarantine, who of the dealer sees which ticket, replying (waiting → open, the
reopen window, a follow-up ticket), closing, the mails with their Message-ID and signed reply address, and the
proactive tickets of shipping's delivery reports and tracking events."""
import datetime

import pytest
from django.core import mail
from django.utils import timezone

from dealers.testing import UserFactory
from payments.testing import InvoiceFactory
from portal import outbox
from portal.models import Notification
from portal.testing import actor_of
from shipping.models import EventState, TrackingEvent
from shipping.services import apply_events, report_delivery
from support import selectors
from support.errors import BadAttachment, BadTicket, BadTicketLink, TicketNotAllowed, TicketNotClosable
from support.models import Attachment, Message, Quarantine, Ticket, TicketSource
from support.permissions import can_see_ticket
from support.services import (
    add_note,
    close_ticket,
    reply,
    reply_address,
    staff_reply,
    ticket_from_reply_address,
)
from support.services import desk as desk_services
from support.testing import TeamFactory, file_upload, open_as, pdf_upload, png_upload, shipped

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    member = UserFactory(is_staff=True, language="tr", email="ayse@support.example")
    team = TeamFactory(name="Logistics", categories=["delivery", "order"])
    team.members.add(member)
    return team


def _order(actor, panel, staff):
    from shipping.testing import confirmed_order

    return confirmed_order(actor, panel, 3, staff=staff)


# --- opening -----------------------------------------------------------------------------------------------------

def test_a_ticket_about_an_order_line_is_numbered_routed_prioritised_and_mailed_to_its_team(
        actor, addresses, panel, staff, team):
    order = _order(actor, panel, staff)
    line = order.lines.get()
    ticket = open_as(actor, subject="Wrong colour", category="order", urgency="high",
                     links={"order": order.number, "line": line.pk})
    year = timezone.localdate().year
    assert ticket.number.startswith(f"TCK-{year}-") and len(ticket.number) == len(f"TCK-{year}-000001")
    assert ticket.team == team and ticket.priority == "high" and ticket.status == "new"
    assert ticket.order == order and ticket.order_line == line and ticket.sku == "LED-600" and ticket.quantity == 3
    assert ticket.opened_by == actor.user and ticket.source == TicketSource.WEB
    first = ticket.messages.get()
    assert first.body == "Two panels flicker after an hour." and not first.from_staff
    mails = Notification.objects.filter(template="support/ticket_opened")
    assert [m.recipient for m in mails] == ["ayse@support.example"] and mails[0].language == "tr"
    assert first.message_id == outbox.message_id(mails[0])
    assert mails[0].context["_reply_to"] == reply_address(ticket)


def test_another_dealers_order_shipment_or_invoice_is_refused_as_unknown(
        actor, addresses, panel, staff, other_owner):
    from orders.testing import with_addresses

    with_addresses(other_owner.dealer)
    theirs = _order(actor_of(other_owner), panel, staff)
    for links, field in [({"order": theirs.number}, "order"), ({"line": theirs.lines.get().pk}, "line"),
                         ({"order": "ORD-NOPE"}, "order"),
                         ({"invoice": InvoiceFactory(dealer=other_owner.dealer).number}, "invoice")]:
        with pytest.raises(BadTicketLink) as refused:
            open_as(actor, links=links)
        assert refused.value.field == field
    assert "There is no order" in str(BadTicketLink(f"There is no order {theirs.number} of your company."))
    assert not Ticket.objects.exists()


def test_a_shipment_link_brings_its_carrier_tracking_code_and_waybill(actor, addresses, panel, staff):
    shipment = shipped(actor, panel, staff, status="in_transit")
    ticket = open_as(actor, category="delivery", links={"shipment": shipment.number})
    assert ticket.shipment == shipment and ticket.order == shipment.order
    assert ticket.carrier_name == "Yurtiçi Kargo" and ticket.tracking_code == "YK123"


def test_a_ticket_needs_a_subject_a_message_and_a_known_category(actor):
    for fields, field in [({"subject": " "}, "subject"), ({"body": ""}, "body"), ({"category": "weather"}, "category"),
                          ({"urgency": "whenever"}, "urgency")]:
        with pytest.raises(BadTicket) as refused:
            open_as(actor, **fields)
        assert refused.value.field == field


# --- attachments ---------------------------------------------------------------------------------------------------

def test_a_pdf_and_a_photo_are_attached_under_their_detected_types(actor):
    ticket = open_as(actor, attachments=[pdf_upload("delivery note.pdf"), png_upload("crate.png")])
    files = list(Attachment.objects.filter(message__ticket=ticket).order_by("pk"))
    assert [(f.filename, f.content_type) for f in files] == [("delivery note.pdf", "application/pdf"),
                                                              ("crate.png", "image/png")]
    assert files[0].file.name.endswith(".pdf") and files[1].file.name.endswith(".png")


@pytest.mark.parametrize("name,content,reason", [
    ("logo.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "SVG"),
    ("photo.png", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page"),
    ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64, "program"),
    ("notes.txt", b"just some words", "neither an image nor a PDF"),
])
def test_html_svg_programs_and_other_files_are_refused_and_quarantined(actor, name, content, reason):
    with pytest.raises(BadAttachment) as refused:
        open_as(actor, attachments=[png_upload(), file_upload(name, content)])
    assert reason in str(refused.value.message) and refused.value.field == "attachments"
    assert not Ticket.objects.exists() and not Attachment.objects.exists()
    kept = Quarantine.objects.get()
    assert kept.filename == name and reason in kept.reason and kept.uploaded_by == actor.user
    assert not kept.file.name.endswith((".svg", ".html", ".png", ".pdf", ".txt"))


def test_a_file_over_10_mb_is_refused(actor):
    from catalog.testing import png_bytes

    big = file_upload("huge.png", png_bytes((10, 10)) + b"\0" * (10 * 1024 * 1024), "image/png")
    with pytest.raises(BadAttachment, match="larger than 10 MB"):
        open_as(actor, attachments=[big])
    assert Quarantine.objects.get().reason.startswith("it is larger than 10 MB")


# --- who sees what -------------------------------------------------------------------------------------------------

def test_owners_see_all_finance_users_invoice_tickets_and_their_own_everyone_else_their_own(
        dealer, owner, finance, viewer, buyer, agent, agent_actor, other_owner, staff):
    by_owner = open_as(actor_of(owner), subject="Account question", category="account")
    by_viewer = open_as(actor_of(viewer), subject="Catalog photos", category="product")
    by_buyer_invoice = open_as(actor_of(buyer), subject="Invoice total", category="invoice")
    by_finance = open_as(actor_of(finance), subject="Statement", category="other")

    def seen(user):
        return set(selectors.list_tickets(actor=actor_of(user)).values_list("subject", flat=True))

    everything = {"Account question", "Catalog photos", "Invoice total", "Statement"}
    assert seen(owner) == everything
    assert seen(finance) == {"Invoice total", "Statement"}
    assert seen(viewer) == {"Catalog photos"}
    assert seen(buyer) == {"Invoice total"}
    assert set(selectors.list_tickets(actor=agent_actor).values_list("subject", flat=True)) == everything
    assert seen(other_owner) == set()
    assert can_see_ticket(actor_of(finance), by_buyer_invoice) and not can_see_ticket(actor_of(finance), by_viewer)
    assert not can_see_ticket(actor_of(viewer), by_owner) and can_see_ticket(actor_of(viewer), by_viewer)
    assert not can_see_ticket(actor_of(other_owner), by_owner) and not can_see_ticket(other_owner, by_owner)
    assert can_see_ticket(agent, by_finance) and can_see_ticket(staff, by_finance)  # asked with a User (downloads)
    assert not can_see_ticket(UserFactory(is_staff=True), by_finance)  # staff outside support


def test_a_user_who_does_not_see_a_ticket_cannot_reply_to_or_close_it(owner, viewer, other_owner):
    ticket = open_as(actor_of(owner))
    for actor in (actor_of(viewer), actor_of(other_owner)):
        with pytest.raises(TicketNotAllowed):
            reply(actor=actor, ticket=ticket, body="Me too")
        with pytest.raises(TicketNotAllowed):
            close_ticket(actor=actor, ticket=ticket)


# --- replying and the reopen window --------------------------------------------------------------------------------

def _moved(staff, ticket, to):
    return desk_services.move(actor=staff, ticket=ticket, to=to)


def test_a_reply_to_a_ticket_waiting_on_the_dealer_opens_it_and_mails_the_assignee(actor, staff, team):
    ticket = open_as(actor, category="delivery")
    staff_reply(actor=staff, ticket=ticket, body="Which box?", then="waiting_on_dealer")
    mail.outbox.clear()
    message = reply(actor=actor, ticket=ticket, body="The second one.", attachments=[png_upload()])
    ticket.refresh_from_db()
    assert ticket.status == "open" and message.ticket == ticket and message.attachments.count() == 1
    assert ticket.last_dealer_reply_at is not None
    row = Notification.objects.filter(template="support/dealer_replied").get()
    assert row.recipient == "ayse@support.example" and message.message_id == outbox.message_id(row)


def test_a_reply_within_the_reopen_window_reopens_the_resolved_ticket(actor, staff, settings):
    settings.SUPPORT_REOPEN_DAYS = 7
    ticket = open_as(actor)
    _moved(staff, ticket, "resolved")
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=6))
    message = reply(actor=actor, ticket=ticket, body="Still flickering.")
    ticket.refresh_from_db()
    assert message.ticket == ticket and ticket.status == "open"
    assert ticket.history.order_by("pk").last().note == "Reopened by the dealer's reply."
    assert Ticket.objects.count() == 1


def test_after_the_reopen_window_a_reply_opens_a_new_ticket_following_the_old(actor, staff, settings):
    settings.SUPPORT_REOPEN_DAYS = 7
    ticket = open_as(actor, category="delivery", subject="Late pallet")
    _moved(staff, ticket, "resolved")
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - datetime.timedelta(days=8))
    message = reply(actor=actor, ticket=ticket, body="It happened again.")
    new = message.ticket
    ticket.refresh_from_db()
    assert new != ticket and new.follows == ticket and ticket.status == "resolved"
    assert new.subject == "Late pallet" and new.category == "delivery" and new.status == "new"
    assert new.messages.get().body == "It happened again."


def test_a_reply_to_a_closed_ticket_opens_a_new_ticket_following_it(actor):
    ticket = open_as(actor)
    close_ticket(actor=actor, ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at
    with pytest.raises(TicketNotClosable):
        close_ticket(actor=actor, ticket=ticket)
    new = reply(actor=actor, ticket=ticket, body="One more thing").ticket
    assert new.follows == ticket and new.pk != ticket.pk


# --- mails: Message-ID and the signed reply address; notes never mailed -------------------------------------------

def test_the_reply_address_is_signed_and_a_tampered_one_is_refused(actor, settings):
    settings.SUPPORT_REPLY_DOMAIN = "help.example.com"
    ticket = open_as(actor)
    other = open_as(actor, subject="Another")
    address = reply_address(ticket)
    assert address.startswith(f"support+t{ticket.pk}-") and address.endswith("@help.example.com")
    assert ticket_from_reply_address(address) == ticket
    assert ticket_from_reply_address(f"Ayşe <{address.upper()}>") == ticket  # a server that changed the case
    forged = address.replace(f"+t{ticket.pk}-", f"+t{other.pk}-")
    assert ticket_from_reply_address(forged) is None
    assert ticket_from_reply_address(address[:-20] + "x" * 3 + address[-17:]) is None
    assert ticket_from_reply_address("support@help.example.com") is None and ticket_from_reply_address("") is None


def test_staff_replies_are_mailed_to_the_dealer_with_a_reply_address_and_notes_never(
        actor, staff, django_capture_on_commit_callbacks):
    ticket = open_as(actor)
    Notification.objects.all().delete()
    add_note(actor=staff, ticket=ticket, body="SECRET-NOTE: dealer is slow to pay")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = staff_reply(actor=staff, ticket=ticket, body="We are sending two new panels.")
    row = Notification.objects.get()
    assert row.recipient == actor.user.email
    outbox.deliver_notification(notification_id=row.pk)
    sent = [m for m in mail.outbox if m.to == [actor.user.email]][-1]
    assert "SECRET-NOTE" not in sent.body
    answer.refresh_from_db()
    assert answer.message_id == sent.extra_headers["Message-ID"]
    assert sent.reply_to == [reply_address(ticket)]  # the desk's mail goes through mail_ticket
    assert Message.objects.filter(kind="note", message_id="").count() == 1


# --- proactive tickets -------------------------------------------------------------------------------------------

def test_a_delivery_received_with_problems_opens_one_ticket_with_its_lines_and_photos(actor, addresses, panel,
                                                                                      staff, team):
    shipment = shipped(actor, panel, staff, status="in_transit")
    report = report_delivery(actor=actor, shipment=shipment, outcome="problems", note="Box crushed",
                             problems=[{"line": shipment.lines.get().pk, "kind": "damaged", "quantity": "1"}],
                             photos=[png_upload("a.png"), png_upload("b.png")])
    ticket = Ticket.objects.get()
    assert ticket.source == "delivery_report" and ticket.category == "delivery" and ticket.team == team
    assert ticket.delivery_report == report and ticket.shipment == shipment and ticket.opened_by == actor.user
    assert ticket.sku == "LED-600" and ticket.quantity == 1
    body = ticket.messages.get().body
    assert "Box crushed" in body and "LED-600" in body and "Damaged" in body
    files = Attachment.objects.filter(message__ticket=ticket)
    assert files.count() == 2 and {f.content_type for f in files} == {"image/png"}
    assert all(f.file.read().startswith(b"\x89PNG") for f in files)


def test_a_delivery_received_in_order_opens_no_ticket(actor, addresses, panel, staff):
    shipment = shipped(actor, panel, staff, status="in_transit")
    report_delivery(actor=actor, shipment=shipment, outcome="received")
    assert not Ticket.objects.exists()


def _tracking(shipment, status, minutes=0):
    parcel = shipment.parcels.first()
    event = TrackingEvent.objects.create(
        source=f"carrier:{shipment.carrier.code}", event_id=f"e-{TrackingEvent.objects.count() + 1}",
        carrier=shipment.carrier, tracking_code=parcel.tracking_code, status=status, state=EventState.RECEIVED,
        occurred_at=timezone.now() + datetime.timedelta(minutes=minutes), message="Nobody at the address",
        location="Ankara")
    apply_events(event_ids=[event.pk])
    event.refresh_from_db()
    return event


def test_a_failed_delivery_opens_one_ticket_for_the_dealers_sales_agent_once_per_shipment(
        actor, dealer, addresses, panel, staff):
    manager = UserFactory(is_staff=True, email="sales@portal.example", language="en")
    dealer.account_manager = manager
    dealer.save(update_fields=["account_manager"])
    shipment = shipped(actor, panel, staff, status="out_for_delivery")
    Notification.objects.all().delete()
    event = _tracking(shipment, "delivery_failed", minutes=1)
    assert event.state == EventState.APPLIED
    ticket = Ticket.objects.get()
    assert ticket.source == "tracking" and ticket.assignee == manager and ticket.shipment == shipment
    assert ticket.opened_by is None and ticket.category == "delivery" and ticket.tracking_code == "YK123"
    assert "Delivery failed" in ticket.subject and "Nobody at the address" in ticket.messages.get().body
    assert Notification.objects.filter(template="support/ticket_opened", recipient="sales@portal.example").exists()
    _tracking(shipment, "exception", minutes=2)
    _tracking(shipment, "return_to_sender", minutes=3)
    assert Ticket.objects.count() == 1


def test_an_exception_on_a_shipment_in_transit_opens_a_ticket_even_though_it_moves_nothing(
        actor, addresses, panel, staff):
    shipment = shipped(actor, panel, staff, status="in_transit")
    event = _tracking(shipment, "exception", minutes=1)
    assert event.state == EventState.KEPT
    assert Ticket.objects.get().shipment == shipment
